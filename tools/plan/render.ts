// Renders a stack run as the plan a newcomer reads (a tree) or a machine reads (one JSON document).
import type { RegisteredResource } from "../mockRuntime";
import type { StackRun } from "../runStack";

export interface PlanResource {
  type: string;
  name: string;
  parent: string | null;
  /** A protected resource cannot be deleted or replaced by an `up`. */
  protect: boolean;
  /** Deleting it from the program leaves it in the cloud. */
  retainOnDelete: boolean;
  /** The id of the existing resource this one adopts, or null. */
  import: string | null;
  inputs: Record<string, unknown>;
}

export interface PlanDocument {
  stack: string;
  resources: PlanResource[];
  outputs: Record<string, unknown>;
  /** `key = value` of each `change-me` placeholder still to be replaced before a deploy. */
  placeholders: string[];
  /** Secret keys the stack needs but its file does not set: the plan stood `[secret]` in. */
  missingSecrets: string[];
  /** Config the program accepts but warns about (a preview shows the same warnings). */
  warnings: string[];
}

const HIDDEN_INPUTS = new Set(["__provider"]);

function visibleInputs(resource: RegisteredResource): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(resource.maskedInputs).filter(([key]) => !HIDDEN_INPUTS.has(key)),
  );
}

/** The plan as data; every value the program holds as a secret is `"[secret]"`. */
export function planDocument(run: StackRun): PlanDocument {
  const nameByUrn = new Map(run.resources.map((r) => [r.urn, r.name]));
  return {
    stack: run.stack,
    resources: run.resources.map((resource) => ({
      type: resource.type,
      name: resource.name,
      parent: resource.parentUrn ? (nameByUrn.get(resource.parentUrn) ?? null) : null,
      protect: resource.protect,
      retainOnDelete: resource.retainOnDelete,
      import: resource.importId || null,
      inputs: visibleInputs(resource),
    })),
    outputs: run.maskedOutputs,
    placeholders: run.config.placeholders,
    missingSecrets: run.missingSecrets,
    warnings: run.config.warnings,
  };
}

/** One line per value; only long plain strings are shortened, never structure like a CORS rule. */
function inline(value: unknown, width = 120): string {
  const text = JSON.stringify(value) ?? "undefined";
  return typeof value === "string" && text.length > width
    ? `${text.slice(0, width - 4)}..."`
    : text;
}

function optionsNote(resource: RegisteredResource): string {
  const notes = [
    resource.protect ? "protected" : "",
    resource.retainOnDelete ? "retained on delete" : "",
    resource.importId ? `import ${resource.importId}` : "",
  ].filter(Boolean);
  return notes.length ? `  [${notes.join(", ")}]` : "";
}

/** The plan as an indented tree of resources with their inputs, then the stack outputs. */
export function planText(run: StackRun): string {
  const children = new Map<string | null, RegisteredResource[]>();
  const urns = new Set(run.resources.map((r) => r.urn));
  for (const resource of run.resources) {
    const parent = resource.parentUrn && urns.has(resource.parentUrn) ? resource.parentUrn : null;
    children.set(parent, [...(children.get(parent) ?? []), resource]);
  }

  const lines: string[] = [
    `Offline plan of stack "${run.stack}": what \`pulumi up --stack ${run.stack}\` declares.`,
    "Run with no credentials and no network: [secret] marks a secret, [unknown] a value only the",
    "provider knows after it creates the resource (Pulumi sends a not-yet-known secret as unknown).",
    "",
  ];
  const walk = (parent: string | null, indent: string) => {
    for (const resource of children.get(parent) ?? []) {
      lines.push(`${indent}${resource.type}  ${resource.name}${optionsNote(resource)}`);
      for (const [key, value] of Object.entries(visibleInputs(resource))) {
        lines.push(`${indent}    ${key}: ${inline(value)}`);
      }
      walk(resource.urn, `${indent}  `);
    }
  };
  walk(null, "");

  lines.push("", "Outputs:");
  for (const [key, value] of Object.entries(run.maskedOutputs)) {
    lines.push(`    ${key}: ${inline(value)}`);
  }
  if (run.config.placeholders.length > 0) {
    lines.push("", "Placeholders to replace before the first deploy of this stack:");
    for (const placeholder of run.config.placeholders) lines.push(`    ${placeholder}`);
  }
  if (run.config.warnings.length > 0) {
    lines.push("", "Warnings:");
    for (const warning of run.config.warnings) lines.push(`    ${warning}`);
  }
  if (run.missingSecrets.length > 0) {
    lines.push(
      "",
      `Warning: secrets not set in Pulumi.${run.stack}.yaml (this plan stood [secret] in; a real preview or up fails without them):`,
    );
    for (const key of run.missingSecrets) {
      lines.push(`    ${key}: pulumi config set --secret ${key} --stack ${run.stack}`);
    }
  }
  lines.push("", `${run.resources.length} resources.`);
  return lines.join("\n");
}
