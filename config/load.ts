// Turns raw stack config into a validated StackConfig, or one error listing every problem.
import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { PLAIN_VAR_NAMES, SECRET_VAR_NAMES } from "../components/herokuApp";
import { certificateProblems } from "./certificate";
import {
  PLAIN_KEYS,
  SECRET_KEYS,
  plainConfigSchema,
  type PlainConfig,
  type SecretKeySpec,
  isSecretRequired,
  type SecretName,
} from "./schema";

/** Where raw config comes from: Pulumi's runtime config, or a stack file in the offline plan. */
export interface ConfigSource {
  get(key: string): string | undefined;
  isSecret(key: string): boolean;
  /** Every key set for the stack, to catch misspelt ones. */
  keys(): string[];
  /**
   * True for a secret the offline plan stands in for (`[secret]`): it is not decrypted, so its
   * content cannot be checked.
   */
  isStandIn?(key: string): boolean;
}

export type StackSecrets = { [K in SecretName]?: pulumi.Output<string> };

export interface StackConfig extends PlainConfig {
  stack: string;
  secrets: StackSecrets;
  /** Values that are still placeholders (`change-me`), to be set before a real deploy. */
  placeholders: string[];
}

export class ConfigError extends Error {
  constructor(
    readonly stack: string,
    readonly problems: string[],
  ) {
    super(
      `Stack "${stack}" has ${problems.length} config problem(s):\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

/** Marks a value still to be set in a stack file. */
export const PLACEHOLDER = /change-?me/i;

/**
 * The value the offline plan gives secrets it cannot decrypt. A secret holding exactly this is
 * not checked (there is nothing real to check) and is masked like any secret.
 */
export const SECRET_STAND_IN = "<stand-in for a secret in the offline plan>";

function display(value: unknown, secret: boolean): string {
  if (secret) return "[secret]";
  const text = JSON.stringify(value);
  if (text === undefined) return "nothing";
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function valueAt(root: unknown, path: PropertyKey[]): unknown {
  let current = root;
  for (const segment of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

function keyWithPath(raw: Record<string, unknown>, path: PropertyKey[]): string {
  const [field, ...rest] = path;
  const spec = PLAIN_KEYS[field as keyof PlainConfig];
  const base = spec ? spec.key : `gyana:${String(field)}`;
  const suffix = rest.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("");
  return `${base}${suffix}`;
}

/** Messages for a value of the wrong type, where the schema has no message of its own. */
function typeMessage(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code !== "invalid_type") return undefined;
  const expected = String(issue.expected);
  if (expected === "object" || expected === "record") {
    return 'must be a mapping of fields (see the README\'s "Stack config" table)';
  }
  return `must be ${expected === "array" ? "a list" : `a ${expected}`}`;
}

function describeIssue(raw: Record<string, unknown>, issue: z.core.$ZodIssue): string {
  const key = keyWithPath(raw, issue.path);
  const value = valueAt(raw, issue.path);
  if (issue.code === "unrecognized_keys") {
    return `${key}: unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(", ")}; remove or correct them`;
  }
  if (value === undefined) return `${key}: missing; it ${issue.message}`;
  return `${key}: ${display(value, false)} is not allowed; it ${issue.message}`;
}

function readPlain(source: ConfigSource, problems: string[]): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  for (const [field, spec] of Object.entries(PLAIN_KEYS)) {
    const text = source.get(spec.key);
    if (text === undefined) continue;
    if (source.isSecret(spec.key)) {
      problems.push(
        `${spec.key}: is stored as a secret but holds plain settings; set it without --secret`,
      );
    }
    if (!spec.structured) {
      raw[field] = text;
      continue;
    }
    try {
      raw[field] = JSON.parse(text);
    } catch {
      problems.push(`${spec.key}: ${display(text, false)} is not a YAML/JSON value`);
    }
  }
  return raw;
}

function closestKey(key: string, known: string[]): string | undefined {
  const lower = key.toLowerCase();
  return known.find((k) => k.toLowerCase() === lower);
}

function unknownKeyProblems(source: ConfigSource): string[] {
  const known = [
    ...Object.values(PLAIN_KEYS).map((s) => s.key),
    ...Object.values(SECRET_KEYS).map((s) => s.key),
  ];
  return source
    .keys()
    .filter((key) => key.startsWith("gyana:") && !known.includes(key))
    .map((key) => {
      const hint = closestKey(key, known);
      return hint
        ? `${key}: not a known key; did you mean ${hint}?`
        : `${key}: not a known key; known keys are listed in the README's "Stack config" table`;
    });
}

function readSecrets(
  source: ConfigSource,
  withDomains: boolean,
  problems: string[],
): Partial<Record<SecretName, string>> {
  const values: Partial<Record<SecretName, string>> = {};
  for (const [name, spec] of Object.entries(SECRET_KEYS) as [SecretName, SecretKeySpec][]) {
    const value = source.get(spec.key);
    const needed = isSecretRequired(spec, withDomains);
    if (value === undefined || value === "") {
      if (needed) {
        problems.push(
          `${spec.key}: missing; set it with \`pulumi config set --secret ${spec.key}\` (${spec.source})`,
        );
      }
      continue;
    }
    if (source.isStandIn?.(spec.key)) {
      values[name] = value;
      continue;
    }
    if (!source.isSecret(spec.key)) {
      problems.push(
        `${spec.key}: is stored in plain text; remove it and set it with \`pulumi config set --secret ${spec.key}\``,
      );
    }
    const problem = spec.check?.(value);
    if (problem) problems.push(`${spec.key}: [secret] is not allowed; it ${problem}`);
    values[name] = value;
  }
  return values;
}

function placeholdersIn(raw: Record<string, unknown>): string[] {
  const found: string[] = [];
  const walk = (value: unknown, path: PropertyKey[]) => {
    if (typeof value === "string" && PLACEHOLDER.test(value)) {
      found.push(`${keyWithPath(raw, path)} = ${value}`);
    } else if (value && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) {
        walk(v, [...path, Array.isArray(value) ? Number(k) : k]);
      }
    }
  };
  walk(raw, []);
  return found;
}

/** Config vars the program sets from their real source, or that an add-on owns. */
const RESERVED_VAR_NAMES: readonly string[] = [
  ...PLAIN_VAR_NAMES,
  ...SECRET_VAR_NAMES,
  "DATABASE_URL",
  "REDIS_URL",
];

/** Rules that span fields, checked with the rest so that they too fail before any resource. */
function crossFieldProblems(plain: PlainConfig): string[] {
  const problems: string[] = [];
  plain.imports.domains?.forEach((host, index) => {
    if (!plain.domains.hostnames.includes(host)) {
      problems.push(
        `gyana:imports.domains[${index}]: "${host}" is not allowed; it must be one of gyana:domains.hostnames (${plain.domains.hostnames.join(", ") || "none"})`,
      );
    }
  });
  for (const name of Object.keys(plain.configVars)) {
    if (RESERVED_VAR_NAMES.includes(name)) {
      problems.push(
        `gyana:configVars.${name}: is not allowed; the stack sets ${name} from its real source (or an add-on owns it)`,
      );
    }
  }
  if (plain.imports.herokuApiKeyAuthorization !== undefined && !plain.heroku.apiKeyConfigVar) {
    problems.push(
      "gyana:imports.herokuApiKeyAuthorization: is not allowed while gyana:heroku.apiKeyConfigVar is false; " +
        "the stack then manages no HEROKU_API_KEY and leaves a live one as it is: remove the import id " +
        "(or set gyana:heroku.apiKeyConfigVar: true, see docs/security.md)",
    );
  }
  const beat = plain.heroku.formation["beat"];
  if (beat && beat.quantity > 1) {
    problems.push(
      `gyana:heroku.formation.beat.quantity: ${beat.quantity} is not allowed; it must be 0 or 1 (each Celery beat fires every periodic task)`,
    );
  }
  return problems;
}

function secretVarProblems(json: string, plain: PlainConfig): string[] {
  const names = Object.keys(JSON.parse(json) as Record<string, string>);
  return names
    .filter((name) => RESERVED_VAR_NAMES.includes(name) || name in plain.configVars)
    .map(
      (name) =>
        `gyana:secretConfigVars: sets ${name}, which is not allowed; the stack already sets it (from its real source, gyana:configVars or an add-on)`,
    );
}

/**
 * Validates the whole stack config at once. Throws a ConfigError naming every bad key, its value
 * (secrets masked) and what is allowed; returns secrets wrapped as Pulumi secrets.
 */
export interface LoadOptions {
  /** The moment certificates must be valid at. Default: now. */
  now?: Date;
  /**
   * Refuse `change-me` placeholders (a real `pulumi up`). Default false: a preview and the
   * offline plan list them as warnings.
   */
  refusePlaceholders?: boolean;
}

export function loadStackConfig(
  source: ConfigSource,
  stack: string,
  options: LoadOptions = {},
): StackConfig {
  const now = options.now ?? new Date();
  const problems: string[] = [];
  const raw = readPlain(source, problems);
  problems.push(...unknownKeyProblems(source));

  const parsed = plainConfigSchema.safeParse(raw, { error: typeMessage });
  if (!parsed.success) problems.push(...parsed.error.issues.map((i) => describeIssue(raw, i)));
  const plain = parsed.success ? parsed.data : undefined;

  if (plain) problems.push(...crossFieldProblems(plain));

  if (plain && plain.environment === "production" && !plain.protect) {
    problems.push(
      `gyana:protect: false is not allowed in production; it must be true so that no typo can delete production data`,
    );
  }

  const withDomains = (plain?.domains.hostnames.length ?? 0) > 0;
  const secretValues = readSecrets(source, withDomains, problems);

  // Adopting a live app with generated values would replace its SECRET_KEY (breaking encrypted
  // fields) and HASHIDS_SALT (breaking every link), so the live ones must be given.
  if (plain?.imports.herokuApp !== undefined) {
    for (const spec of [SECRET_KEYS.secretKey, SECRET_KEYS.hashidsSalt]) {
      if (source.get(spec.key) === undefined) {
        problems.push(
          `${spec.key}: missing; adopting an existing app (gyana:imports.herokuApp) needs the live value, ` +
            `or a generated one would replace it; set it with \`pulumi config set --secret ${spec.key}\``,
        );
      }
    }
  }

  const secretVars = secretValues.secretConfigVars;
  if (plain && secretVars !== undefined && !source.isStandIn?.(SECRET_KEYS.secretConfigVars.key)) {
    if (!SECRET_KEYS.secretConfigVars.check(secretVars)) {
      problems.push(...secretVarProblems(secretVars, plain));
    }
  }

  const certificateKnown = ![SECRET_KEYS.tlsCertificate.key, SECRET_KEYS.tlsPrivateKey.key].some(
    (key) => source.isStandIn?.(key),
  );
  if (
    plain &&
    withDomains &&
    certificateKnown &&
    secretValues.tlsCertificate &&
    secretValues.tlsPrivateKey
  ) {
    problems.push(
      ...certificateProblems({
        certificateChain: secretValues.tlsCertificate,
        privateKey: secretValues.tlsPrivateKey,
        hostnames: plain.domains.hostnames,
        now,
      }),
    );
  }

  const placeholders = placeholdersIn(raw);
  if (options.refusePlaceholders) {
    problems.push(
      ...placeholders.map(
        (placeholder) =>
          `${placeholder}: is a placeholder; set the real value before deploying (a preview only warns)`,
      ),
    );
  }

  if (problems.length > 0 || !plain) throw new ConfigError(stack, problems);

  const secrets: StackSecrets = {};
  for (const [name, value] of Object.entries(secretValues) as [SecretName, string][]) {
    secrets[name] = pulumi.secret(value);
  }
  return { ...plain, stack, secrets, placeholders };
}
