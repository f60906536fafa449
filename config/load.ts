// Turns raw stack config into a validated StackConfig, or one error listing every problem.
import * as pulumi from "@pulumi/pulumi";
import { PLAIN_VAR_NAMES, SECRET_VAR_NAMES } from "../components/herokuApp";
import { certificateProblems } from "./certificate";
import { dynoTierConfigProblems } from "./dynoTiers";
import { describeIssue, keyWithPath, typeMessage } from "./describe";
import { SECRET_STAND_IN } from "./offlineStandIns";
import { ConfigError, PLACEHOLDER, type ConfigSource } from "./source";
import { crossFieldRules } from "./rules";
import {
  PLAIN_KEYS,
  SECRET_KEYS,
  plainConfigSchema,
  type PlainConfig,
  type SecretContext,
  type SecretKeySpec,
  isSecretRequired,
  type SecretName,
} from "./schema";
import { closestMatch } from "./suggest";

export { SECRET_STAND_IN };
export { ConfigError, PLACEHOLDER, type ConfigSource };

export type StackSecrets = { [K in SecretName]?: pulumi.Output<string> };

export interface StackConfig extends PlainConfig {
  stack: string;
  secrets: StackSecrets;
  /** Values that are still placeholders (`change-me`), to be set before a real deploy. */
  placeholders: string[];
  /** Allowed, but worth the operator's attention (a preview shows them as warnings). */
  warnings: string[];
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
    // The CLI hands structured values as JSON and plain ones (`yes`, `eu`) as they are: a value
    // that is not JSON is a plain string, for the schema to judge once.
    try {
      raw[field] = spec.structured ? JSON.parse(text) : text;
    } catch {
      raw[field] = text;
    }
  }
  return raw;
}

function unknownKeyProblems(source: ConfigSource): string[] {
  const plainKeys = Object.values(PLAIN_KEYS);
  const known = [...plainKeys.map((s) => s.key), ...Object.values(SECRET_KEYS).map((s) => s.key)];
  return source
    .keys()
    .filter((key) => key.startsWith("gyana:") && !known.includes(key))
    .map((key) => {
      // `pulumi config set gyana:heroku.region eu` without --path makes this top-level key.
      const dot = key.indexOf(".");
      const parent =
        dot > 0 ? plainKeys.find((s) => s.structured && s.key === key.slice(0, dot)) : undefined;
      if (parent) {
        return (
          `${key}: not a known key; to set the field ${key.slice(dot + 1)} inside ${parent.key}, ` +
          `run \`pulumi config set --path '${key}' <value>\` (without --path the CLI makes this new ` +
          `top-level key), then remove this one with \`pulumi config rm '${key}'\``
        );
      }
      const hint = closestMatch(key, known);
      return hint
        ? `${key}: not a known key; did you mean ${hint}?`
        : `${key}: not a known key; the known keys are listed in docs/config.md`;
    });
}

function missingSecretMessage(spec: SecretKeySpec): string {
  if (spec.required === "in-production" && spec.generated) {
    return (
      `${spec.key}: missing in production; set the live value with \`pulumi config set --secret ${spec.key}\` ` +
      `(${spec.source}), or set ${PLAIN_KEYS[spec.generated.with].key} to true to generate a new ` +
      `one on purpose (${spec.generated.breaks})`
    );
  }
  return `${spec.key}: missing; set it with \`pulumi config set --secret ${spec.key}\` (${spec.source})`;
}

function readSecrets(
  source: ConfigSource,
  context: SecretContext,
  problems: string[],
): Partial<Record<SecretName, string>> {
  const values: Partial<Record<SecretName, string>> = {};
  for (const [name, spec] of Object.entries(SECRET_KEYS) as [SecretName, SecretKeySpec][]) {
    const value = source.get(spec.key);
    const needed = isSecretRequired(spec, context);
    if (value === undefined || value === "") {
      if (needed) problems.push(missingSecretMessage(spec));
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
      found.push(`${keyWithPath(path)} = ${value}`);
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
function crossFieldProblems(plain: PlainConfig, stack: string): string[] {
  const problems: string[] = crossFieldRules(plain, stack);
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
  // Heroku's dyno tier rules (Eco/Basic alone and one dyno per type, Eco at most two dynos):
  // config/dynoTiers.ts, with their Dev Center sources.
  problems.push(...dynoTierConfigProblems(plain.heroku.formation));
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
  if (!parsed.success) problems.push(...parsed.error.issues.flatMap((i) => describeIssue(raw, i)));
  const plain = parsed.success ? parsed.data : undefined;

  if (plain) problems.push(...crossFieldProblems(plain, stack));

  if (plain && plain.environment === "production" && !plain.protect) {
    problems.push(
      `gyana:protect: false is not allowed in production; it must be true so that no typo can delete production data`,
    );
  }

  const withDomains = (plain?.domains.hostnames.length ?? 0) > 0;
  const context: SecretContext = {
    withDomains,
    production: plain?.environment === "production",
    generateSecretKey: plain?.generateSecretKey ?? false,
    generateHashidsSalt: plain?.generateHashidsSalt ?? false,
  };
  const secretValues = readSecrets(source, context, problems);
  const warnings: string[] = [];
  const generatedSecrets = [SECRET_KEYS.secretKey, SECRET_KEYS.hashidsSalt];
  for (const spec of generatedSecrets) {
    const flag = PLAIN_KEYS[spec.generated.with].key;
    if (plain && source.get(spec.key) === undefined) {
      if (!context.production) {
        warnings.push(
          `${spec.key}: not set, so the stack generates a ${spec.generated.configVar} (kept in the state); set it to keep a known one`,
        );
      }
    } else if (plain?.[spec.generated.with]) {
      problems.push(`${flag}: true is not allowed while ${spec.key} is set; remove one of them`);
    }
  }

  // Adopting a live app with generated values would replace its SECRET_KEY (breaking encrypted
  // fields) and HASHIDS_SALT (breaking every link), so the live ones must be given.
  if (plain && plain.imports.herokuApp !== undefined) {
    for (const spec of generatedSecrets) {
      if (plain[spec.generated.with]) {
        problems.push(
          `${PLAIN_KEYS[spec.generated.with].key}: true is not allowed while adopting an existing app (gyana:imports.herokuApp); its live ${spec.generated.configVar} must be kept`,
        );
      }
    }
    for (const spec of generatedSecrets) {
      if (source.get(spec.key) === undefined) {
        // Said once, with the reason that applies: adoption.
        const general = problems.findIndex((p) => p.startsWith(`${spec.key}: missing`));
        if (general >= 0) problems.splice(general, 1);
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
  return { ...plain, stack, secrets, placeholders, warnings };
}
