// Turns the JSON document `pulumi preview --json` prints into a drift verdict and a markdown
// report for a step summary or a PR comment. The document's shape is Pulumi's PreviewDigest
// (sdk/go/common/display/json.go): `steps` (op, urn, diffReasons, replaceReasons,
// detailedDiff, oldState/newState with secrets already blinded as "[secret]"), `diagnostics`,
// `changeSummary`. The report names resources and property paths only, never values.

export interface PropertyDiff {
  /** add, add-replace, delete, delete-replace, update, update-replace */
  kind: string;
  inputDiff?: boolean;
}

export interface PreviewStep {
  op: string;
  urn: string;
  provider?: string;
  diffReasons?: string[];
  replaceReasons?: string[];
  detailedDiff?: Record<string, PropertyDiff> | null;
  oldState?: unknown;
  newState?: unknown;
}

export interface PreviewDiagnostic {
  urn?: string;
  prefix?: string;
  message?: string;
  severity?: string;
}

export interface PreviewDigest {
  config?: Record<string, string>;
  steps?: PreviewStep[];
  diagnostics?: PreviewDiagnostic[];
  duration?: number;
  changeSummary?: Record<string, number>;
  maybeCorrupt?: boolean;
}

/** One resource whose live state no longer matches the program. */
export interface DriftedResource {
  name: string;
  type: string;
  op: string;
  properties: string[];
}

/**
 * Steps that change nothing: `same`, and the bookkeeping of a `--refresh` preview (`refresh`,
 * `read`, `discard`). Everything else is a change `pulumi up` would make.
 */
const QUIET_OPS = new Set([
  "same",
  "refresh",
  "read",
  "read-discard",
  "discard",
  "discard-replaced",
]);
const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/** Parses `pulumi preview --json` output, with a message that says what was wrong. */
export function parsePreviewJson(text: string): PreviewDigest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(
      `pulumi preview --json printed something that is not JSON (first 200 characters): ${text.slice(0, 200)}`,
    );
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new Error("pulumi preview --json printed JSON that is not an object");
  }
  return parsed as PreviewDigest;
}

/** `urn:pulumi:<stack>::<project>::<parent types $ type>::<name>` → type and name. */
export function describeUrn(urn: string): { type: string; name: string } {
  const parts = urn.split("::");
  const name = parts.length >= 4 ? parts.slice(3).join("::") : urn;
  const typeChain = parts[2] ?? "";
  const type = typeChain.split("$").pop() ?? typeChain;
  return { type: type.replace(/^pulumi-nodejs:dynamic\//, ""), name };
}

const KIND_WORDS: Record<string, string> = {
  add: "added",
  delete: "removed",
  update: "changed",
};

function describeProperty(path: string, kind: string): string {
  const replace = kind.endsWith("-replace");
  const base = replace ? kind.slice(0, -"-replace".length) : kind;
  return `${path} ${KIND_WORDS[base] ?? base}${replace ? ", forces replacement" : ""}`;
}

function propertiesOf(step: PreviewStep): string[] {
  if (step.detailedDiff && Object.keys(step.detailedDiff).length > 0) {
    return Object.entries(step.detailedDiff)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([path, diff]) => describeProperty(path, diff.kind));
  }
  const replaceReasons = new Set(step.replaceReasons ?? []);
  const reasons = [...new Set([...(step.diffReasons ?? []), ...replaceReasons])].sort();
  return reasons.map((path) =>
    describeProperty(path, replaceReasons.has(path) ? "update-replace" : "update"),
  );
}

/** The resources a `pulumi up` would touch, in preview order. */
export function findDrift(digest: PreviewDigest): DriftedResource[] {
  const drifted: DriftedResource[] = [];
  for (const step of digest.steps ?? []) {
    if (QUIET_OPS.has(step.op)) {
      continue;
    }
    const { type, name } = describeUrn(step.urn);
    if (type === ROOT_STACK_TYPE) {
      continue;
    }
    drifted.push({ name, type, op: step.op, properties: propertiesOf(step) });
  }
  return drifted;
}

export function errorsOf(digest: PreviewDigest): string[] {
  return (digest.diagnostics ?? [])
    .filter((d) => d.severity === "error")
    .map((d) => `${d.prefix ?? ""}${d.message ?? ""}`.trim())
    .filter((message) => message !== "");
}

const OP_WORDS: Record<string, string> = {
  create: "create (missing from the cloud)",
  update: "update",
  replace: "replace",
  delete: "delete",
  "create-replacement": "replace",
  "delete-replaced": "replace",
  import: "import",
  "import-replacement": "import, replacing",
};

/** Markdown table cells: no pipes or line breaks, code spans that survive backticks. */
function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

function unchangedCount(digest: PreviewDigest): number | undefined {
  return digest.changeSummary?.same;
}

export function formatDriftReport(stack: string, digest: PreviewDigest): string {
  const drifted = findDrift(digest);
  const lines: string[] = [];
  if (drifted.length === 0) {
    const same = unchangedCount(digest);
    lines.push(`### No drift in stack ${code(stack)}`, "");
    lines.push(
      `\`pulumi preview --refresh\` found every resource as the program declares it${same === undefined ? "" : ` (${same} unchanged)`}.`,
    );
    return `${lines.join("\n")}\n`;
  }
  const count = `${drifted.length} resource${drifted.length === 1 ? "" : "s"}`;
  lines.push(`### Drift in stack ${code(stack)}: ${count}`, "");
  lines.push(
    `\`pulumi preview --refresh\` found ${count} that differ from what the program declares. The next \`pulumi up --stack ${stack}\` would make these changes:`,
    "",
    "| Resource | Type | Change | Properties |",
    "| --- | --- | --- | --- |",
  );
  for (const resource of drifted) {
    const properties =
      resource.properties.length === 0
        ? "(no property details)"
        : resource.properties.map((p) => cell(p)).join("<br>");
    lines.push(
      `| ${cell(code(resource.name))} | ${cell(code(resource.type))} | ${cell(OP_WORDS[resource.op] ?? resource.op)} | ${properties} |`,
    );
  }
  lines.push(
    "",
    "If someone changed these by hand on purpose, put the change into the program or the stack config and open a pull request; otherwise `pulumi up` puts them back as declared.",
  );
  return `${lines.join("\n")}\n`;
}

export function formatFailureReport(stack: string, reason: string, errors: string[]): string {
  const lines = [`### Drift check of stack ${code(stack)} could not run`, "", reason];
  if (errors.length > 0) {
    lines.push("", "Errors from `pulumi preview`:", "");
    for (const error of errors) {
      lines.push(`- ${error.replace(/\r?\n/g, " ")}`);
    }
  }
  return `${lines.join("\n")}\n`;
}
