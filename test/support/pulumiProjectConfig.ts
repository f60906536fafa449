// The Pulumi CLI's rules for a project's `config:` declarations and for checking a stack's values
// against them, ported from pulumi/pulumi (the CLI this repo pins, .github/pulumi-version) so that
// tests can hold Pulumi.yaml and the stack files to them without the CLI:
// - sdk/go/common/workspace/project.go: `Project.Validate`, `configKeyIsNamespacedByProject`,
//   `ValidateConfigValue`;
// - pkg/workspace/config.go: `mergeConfig` (a declared key of the project's namespace with neither
//   default nor value is required in every stack) and `validateStackConfigValue` (a `secret: true`
//   key must be encrypted in the stack; the value must match the type).

export interface ConfigDeclaration {
  type?: "string" | "integer" | "boolean" | "array" | "object";
  description?: string;
  items?: { type: string };
  default?: unknown;
  value?: unknown;
  secret?: boolean;
}

export function isNamespacedByProject(project: string, key: string): boolean {
  return !key.includes(":") || key.startsWith(`${project}:`);
}

/** What `Project.Validate` refuses in a `config:` declaration; [] when the CLI accepts it. */
export function declarationProblems(
  project: string,
  key: string,
  declaration: ConfigDeclaration,
): string[] {
  const problems: string[] = [];
  if (declaration.default !== undefined && declaration.value !== undefined) {
    problems.push(`project config '${key}' cannot have both a 'default' and 'value' attribute`);
  }
  if (isNamespacedByProject(project, key)) {
    if (declaration.type === "array" && declaration.items === undefined) {
      problems.push(`'${key}' declares an array but not the type of its items`);
    }
    if (
      declaration.type !== undefined &&
      declaration.default !== undefined &&
      !matchesType(declaration.type, declaration.default)
    ) {
      problems.push(`the default of '${key}' is not of the expected type '${declaration.type}'`);
    }
  } else {
    if (declaration.type !== undefined) {
      problems.push(`'${key}' is not namespaced by the project and should not define a type`);
    }
    if (declaration.default !== undefined) {
      problems.push(`'${key}' is not namespaced by the project and should not define a default`);
    }
    if (declaration.value === undefined) {
      problems.push(`'${key}' is namespaced and must provide an attribute 'value'`);
    }
  }
  return problems;
}

/** `ValidateConfigValue` for the simple types (YAML scalars reach it as strings). */
export function matchesType(type: string, value: unknown): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "integer":
      return (
        (typeof value === "number" && Number.isInteger(value)) ||
        (typeof value === "string" && /^[+-]?\d+$/.test(value))
      );
    case "boolean":
      return value === true || value === false || value === "true" || value === "false";
    case "object":
      return typeof value === "object" && value !== null && !Array.isArray(value);
    default:
      return Array.isArray(value);
  }
}

/** A stack file's value as the CLI holds it: secure or plain, scalars as strings. */
function stackValue(raw: unknown): { secure: boolean; value: unknown } {
  if (typeof raw === "object" && raw !== null && "secure" in raw) {
    return { secure: true, value: undefined };
  }
  if (typeof raw === "object" && raw !== null) return { secure: false, value: raw };
  return { secure: false, value: String(raw) };
}

/**
 * What `pulumi preview`/`up` would refuse in a stack file's `config:` against the project's
 * declarations, before the program starts. Secrets are judged by presence and encryption only
 * (their value needs the stack's key). `missing` lists every required key the file leaves out,
 * secrets included: a caller checking a committed stack file expects those to be set later with
 * `pulumi config set --secret`.
 */
export function stackConfigProblems(
  project: string,
  declarations: Record<string, ConfigDeclaration>,
  stackConfig: Record<string, unknown>,
): { missing: string[]; problems: string[] } {
  const missing: string[] = [];
  const problems: string[] = [];
  for (const [declaredKey, declaration] of Object.entries(declarations)) {
    const key = declaredKey.includes(":") ? declaredKey : `${project}:${declaredKey}`;
    if (!(key in stackConfig)) {
      const required =
        declaration.default === undefined &&
        declaration.value === undefined &&
        isNamespacedByProject(project, key);
      if (required) missing.push(declaredKey);
      continue;
    }
    const { secure, value } = stackValue(stackConfig[key]);
    if (declaration.secret && !secure) {
      problems.push(`configuration key '${declaredKey}' must be encrypted as it's secret`);
    }
    if (declaration.type !== undefined && !secure && !matchesType(declaration.type, value)) {
      problems.push(`configuration key '${declaredKey}' is not of type '${declaration.type}'`);
    }
  }
  return { missing, problems };
}
