// Reads `Pulumi.<stack>.yaml` the way the Pulumi CLI hands config to a program: structured values
// as JSON text, `secure:` values as secrets. Ciphertext cannot be decrypted offline, so each
// secret (set or required) gets a stand-in value, which previews mask as `[secret]` like any
// other secret.
import { readFileSync, existsSync } from "node:fs";
import { basename, join } from "node:path";
import { parse } from "yaml";
import { SECRET_STAND_IN } from "../config/offlineStandIns";
import { ConfigError, PLACEHOLDER, type ConfigSource } from "../config/source";
import { didYouMean } from "../config/suggest";
import { PLAIN_KEYS, SECRET_KEYS, isSecretRequired, type SecretContext } from "../config/schema";
import { STACKS } from "./cli/stacks";

export { STACKS, PROJECT, type StackName } from "./cli/stacks";

export interface StackFile {
  stack: string;
  /** `namespace:key` → value as the CLI passes it (structured values JSON-encoded). */
  config: Record<string, string>;
  secretKeys: string[];
  /** Secrets present only as stand-ins (never decrypted). */
  standIns: string[];
  /** Secrets the stack needs that the file does not set: stood in for, and worth a warning. */
  missingSecrets: string[];
}

export class UnknownStackError extends Error {
  constructor(stack: string, root: string) {
    super(
      `Unknown stack "${stack}": there is no ${join(root, `Pulumi.${stack}.yaml`)}. ` +
        `Allowed: ${STACKS.join(", ")}.`,
    );
    this.name = "UnknownStackError";
  }
}

export interface ReadStackOptions {
  root?: string;
  /** Real values for secrets (tests, the emulated up); others stand in as `[secret]`. */
  secrets?: Record<string, string>;
  /** Give missing required secrets a stand-in (the offline plan). Default true. */
  standInMissingSecrets?: boolean;
  /** Plain overrides of `namespace:key` values (already JSON-encoded when structured). */
  overrides?: Record<string, string>;
}

/**
 * The top-level keys of a stack settings file (https://www.pulumi.com/docs/iac/concepts/projects/stack-settings-file/):
 * a misspelt `config:` would otherwise read as a stack with no config at all.
 */
const STACK_SETTINGS_KEYS = [
  "config",
  "secretsprovider",
  "encryptedkey",
  "encryptionsalt",
  "environment",
];

/** Parses `Pulumi.<stack>.yaml`; a YAML error or a bad layout is a config problem naming the file. */
function parseStackSettings(stack: string, path: string): { config?: Record<string, unknown> } {
  const file = basename(path);
  const fail = (problem: string) => new ConfigError(stack, [`${file}: ${problem}`]);
  let document: unknown;
  try {
    document = parse(readFileSync(path, "utf8")) ?? {};
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error))
      .split("\n")[0]!
      .replace(/:$/, "");
    throw fail(`is not valid YAML: ${message}`);
  }
  if (typeof document !== "object" || document === null || Array.isArray(document)) {
    throw fail("must be a YAML mapping with a config: section");
  }
  const unknown = Object.keys(document).filter((key) => !STACK_SETTINGS_KEYS.includes(key));
  if (unknown.length > 0) {
    throw new ConfigError(
      stack,
      unknown.map(
        (key) =>
          `${file}: unknown top-level key "${key}"${didYouMean(key, STACK_SETTINGS_KEYS)}; allowed: ${STACK_SETTINGS_KEYS.join(", ")}`,
      ),
    );
  }
  const { config } = document as { config?: unknown };
  if (
    config !== undefined &&
    (typeof config !== "object" || config === null || Array.isArray(config))
  ) {
    throw fail("config: must be a mapping of `namespace:key: value`");
  }
  return document as { config?: Record<string, unknown> };
}

/** Which secrets the file's plain config makes required; malformed values count as absent. */
function secretContextOf(config: Record<string, string>): SecretContext {
  const json = (key: string): unknown => {
    try {
      return JSON.parse(config[key] ?? "null");
    } catch {
      return null;
    }
  };
  const domains = json("gyana:domains") as { hostnames?: unknown } | null;
  return {
    withDomains: Array.isArray(domains?.hostnames) && domains.hostnames.length > 0,
    production: config["gyana:environment"] === "production",
    generateSecretKey: json(PLAIN_KEYS.generateSecretKey.key) === true,
    generateHashidsSalt: json(PLAIN_KEYS.generateHashidsSalt.key) === true,
  };
}

export function readStackFile(stack: string, options: ReadStackOptions = {}): StackFile {
  const root = options.root ?? join(__dirname, "..");
  const path = join(root, `Pulumi.${stack}.yaml`);
  if (!/^[a-z][a-z0-9-]*$/.test(stack) || !existsSync(path))
    throw new UnknownStackError(stack, root);
  const document = parseStackSettings(stack, path);

  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  const standIns = new Set<string>();
  const missingSecrets: string[] = [];
  for (const [key, value] of Object.entries(document.config ?? {})) {
    if (value && typeof value === "object" && "secure" in value) {
      config[key] = SECRET_STAND_IN;
      secretKeys.push(key);
      standIns.add(key);
    } else {
      config[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
  }
  Object.assign(config, options.overrides);
  const context = secretContextOf(config);
  for (const spec of Object.values(SECRET_KEYS)) {
    const needed = isSecretRequired(spec, context);
    const given = options.secrets?.[spec.key];
    if (given !== undefined) {
      config[spec.key] = given;
      if (!secretKeys.includes(spec.key)) secretKeys.push(spec.key);
      standIns.delete(spec.key);
    } else if (needed && !(spec.key in config) && options.standInMissingSecrets !== false) {
      config[spec.key] = SECRET_STAND_IN;
      secretKeys.push(spec.key);
      standIns.add(spec.key);
      missingSecrets.push(spec.key);
    }
  }
  return { stack, config, secretKeys, standIns: [...standIns], missingSecrets };
}

/** A ConfigSource over a stack file, for validating it without the Pulumi runtime. */
export function configSourceOf(file: StackFile): ConfigSource {
  return {
    get: (key) => file.config[key],
    isSecret: (key) => file.secretKeys.includes(key),
    keys: () => Object.keys(file.config),
    isStandIn: (key) => file.standIns.includes(key),
  };
}

/**
 * Overrides that replace every `change-me` placeholder of a stack file by `replacement`, for runs
 * that rehearse a deploy (tests, the emulated up): a real `pulumi up` refuses placeholders.
 */
export function placeholderOverrides(stack: string, replacement: string): Record<string, string> {
  const { config } = readStackFile(stack, { standInMissingSecrets: false });
  return Object.fromEntries(
    Object.entries(config)
      .filter(([, value]) => PLACEHOLDER.test(value))
      .map(([key, value]) => [
        key,
        value.replace(new RegExp(PLACEHOLDER.source, "gi"), replacement),
      ]),
  );
}

/**
 * Overrides for a rehearsal of a deploy (tests, the emulated up): every placeholder replaced, and
 * in production, for each of gyana:secretKey and gyana:hashidsSalt the rehearsal does not give,
 * its generate flag set, as a fresh production would (a real one keeps its live values).
 */
export function rehearsalOverrides(
  stack: string,
  replacement: string,
  secrets: Record<string, string> = {},
): Record<string, string> {
  return { ...placeholderOverrides(stack, replacement), ...secretKeyRehearsal(stack, secrets) };
}

/**
 * `gyana:generateSecretKey: true` (and `gyana:generateHashidsSalt: true`) for a production stack
 * rehearsed without a SECRET_KEY (a HASHIDS_SALT).
 */
export function secretKeyRehearsal(
  stack: string,
  secrets: Record<string, string> = {},
): Record<string, string> {
  const { config } = readStackFile(stack, { standInMissingSecrets: false });
  if (config["gyana:environment"] !== "production") return {};
  return Object.fromEntries(
    [SECRET_KEYS.secretKey, SECRET_KEYS.hashidsSalt]
      .filter((spec) => !(spec.key in secrets))
      .map((spec) => [PLAIN_KEYS[spec.generated.with].key, "true"]),
  );
}
