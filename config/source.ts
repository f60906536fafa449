// What the config loader reads from and how it fails, with no dependency: the operator commands
// read stack files through these without loading Pulumi (config/load.ts does).

/** Where raw config comes from: Pulumi's runtime config, or a stack file in the offline plan. */
export interface ConfigSource {
  get(key: string): string | undefined;
  isSecret(key: string): boolean;
  /** Every key set for the stack, to catch misspelt ones. */
  keys(): string[];
  /**
   * True for a secret the offline plan stands in for (`[secret]`): it is not decrypted, so its
   * content cannot be checked. Only the offline plan may say so (config/offlineStandIns.ts).
   */
  isStandIn?(key: string): boolean;
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
