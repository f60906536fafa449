// Reads `Pulumi.<stack>.yaml` the way the Pulumi CLI hands config to a program: structured values
// as JSON text, `secure:` values as secrets. Ciphertext cannot be decrypted offline, so each
// secret (set or required) gets a stand-in value, which previews mask as `[secret]` like any
// other secret.
import { readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { PLACEHOLDER, SECRET_STAND_IN, type ConfigSource } from "../config/load";
import { SECRET_KEYS, isSecretRequired } from "../config/schema";
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

export function readStackFile(stack: string, options: ReadStackOptions = {}): StackFile {
  const root = options.root ?? join(__dirname, "..");
  const path = join(root, `Pulumi.${stack}.yaml`);
  if (!/^[a-z][a-z0-9-]*$/.test(stack) || !existsSync(path))
    throw new UnknownStackError(stack, root);
  const document = (parse(readFileSync(path, "utf8")) ?? {}) as {
    config?: Record<string, unknown>;
  };

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
  const domains = JSON.parse(config["gyana:domains"] ?? "{}") as { hostnames?: string[] };
  const withDomains = (domains.hostnames?.length ?? 0) > 0;
  for (const spec of Object.values(SECRET_KEYS)) {
    const needed = isSecretRequired(spec, withDomains);
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
  Object.assign(config, options.overrides);
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
