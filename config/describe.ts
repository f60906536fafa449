// Turns schema issues into the messages an operator reads: the key as written in the stack file,
// the value (shortened), what is wrong and what is allowed. Every message reads
// `<key>: <value> is not allowed; it must …`, `<key>: missing; it must …` or names the key and
// says what to do.
import { z } from "zod";
import { PLAIN_KEYS, plainConfigSchema, type PlainConfig } from "./schema";
import { didYouMean } from "./suggest";

export function display(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) return "nothing";
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const segment of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

/** `["heroku", "formation", "web"]` → `gyana:heroku.formation.web`; array indexes as `[0]`. */
export function keyWithPath(path: readonly PropertyKey[]): string {
  const [field, ...rest] = path;
  const spec = PLAIN_KEYS[field as keyof PlainConfig];
  const base = spec ? spec.key : `gyana:${String(field)}`;
  const suffix = rest.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("");
  return `${base}${suffix}`;
}

/** The schema without its optional/default wrappers. */
function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  let current = schema;
  for (;;) {
    const def = current._zod.def as { type: string; innerType?: z.core.$ZodType };
    if (!["optional", "default", "prefault", "nullable"].includes(def.type) || !def.innerType) {
      return current;
    }
    current = def.innerType;
  }
}

/** The field names the schema allows at `path` (an object's shape), or none. */
export function fieldsAt(path: readonly PropertyKey[]): string[] {
  let schema: z.core.$ZodType = plainConfigSchema;
  for (const segment of path) {
    const def = unwrap(schema)._zod.def as {
      type: string;
      shape?: Record<string, z.core.$ZodType>;
      valueType?: z.core.$ZodType;
      element?: z.core.$ZodType;
    };
    const next =
      def.type === "object"
        ? def.shape?.[String(segment)]
        : def.type === "record"
          ? def.valueType
          : def.type === "array"
            ? def.element
            : undefined;
    if (!next) return [];
    schema = next;
  }
  const def = unwrap(schema)._zod.def as { type: string; shape?: Record<string, unknown> };
  return def.type === "object" && def.shape ? Object.keys(def.shape) : [];
}

/** Messages for a value of the wrong type, where the schema has no message of its own. */
export function typeMessage(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code !== "invalid_type") return undefined;
  const expected = String(issue.expected);
  if (expected === "object" || expected === "record") {
    return "must be a mapping of fields (docs/config.md lists them)";
  }
  return `must be ${expected === "array" ? "a list" : `a ${expected}`}`;
}

/** One message per problem in the issue (an unknown-fields issue names each field). */
export function describeIssue(raw: Record<string, unknown>, issue: z.core.$ZodIssue): string[] {
  const key = keyWithPath(issue.path);
  if (issue.code === "unrecognized_keys") {
    const allowed = fieldsAt(issue.path);
    return issue.keys.map(
      (field) =>
        `${key}: unknown field "${field}"${didYouMean(field, allowed)}; allowed: ${allowed.join(", ")}`,
    );
  }
  if (issue.code === "invalid_key") {
    const name = issue.path[issue.path.length - 1];
    const reason = issue.issues[0]?.message ?? issue.message;
    return [`${key}: the name ${display(name)} is not allowed; it ${reason}`];
  }
  const value = valueAt(raw, issue.path);
  if (value === undefined) return [`${key}: missing; it ${issue.message}`];
  return [`${key}: ${display(value)} is not allowed; it ${issue.message}`];
}
