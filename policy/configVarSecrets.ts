// Heroku config vars in a ConfigVars resource's plain `vars` map are stored in the Pulumi state
// and shown in previews in clear text; only `sensitiveVars` are encrypted and masked. A var
// whose name says it is a credential, or whose value is a URL with a password in it, belongs in
// `sensitiveVars`. Names that match but hold no secret (GOOGLE_APPLICATION_CREDENTIALS is a file
// path) are allowed through policy config `allowPlain`.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { HEROKU_CONFIG_VARS, displayName, readKnown } from "./resources";

/** Name segments (between underscores) that mark a credential: SECRET_KEY, HASHIDS_SALT. */
export const SECRET_NAME =
  /(^|_)(KEY|APIKEY|SECRET|TOKEN|PASSWORD|PASSWD|SALT|CREDENTIALS?|DSN)(_|$)/;

/** scheme://user:password@host — the shape of DATABASE_URL, REDIS_URL and friends. */
export const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:[^/\s@]+@/i;

export const DEFAULT_ALLOW_PLAIN = ["GOOGLE_APPLICATION_CREDENTIALS"];

export const configVarSecretsSensitive: ResourceValidationPolicy = {
  name: "config-var-secrets-sensitive",
  description:
    "Heroku config vars that look like secrets are declared in sensitiveVars, never in the plain vars map.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      allowPlain: { type: "array", items: { type: "string" }, default: DEFAULT_ALLOW_PLAIN },
    },
  },
  validateResource: (args, reportViolation) => {
    if (args.type !== HEROKU_CONFIG_VARS) {
      return;
    }
    const vars: unknown = args.props.vars;
    if (vars === undefined || vars === null || typeof vars !== "object") {
      return;
    }
    const app = displayName(args.props, "app", args.name);
    const allowPlain =
      args.getConfig<{ allowPlain?: string[] }>().allowPlain ?? DEFAULT_ALLOW_PLAIN;
    const plain = vars as Record<string, unknown>;
    for (const name of Object.keys(plain).sort()) {
      if (allowPlain.includes(name)) {
        continue;
      }
      if (SECRET_NAME.test(name.toUpperCase())) {
        reportViolation(
          `Config var ${name} of Heroku app "${app}" looks like a secret but is in the plain \`vars\` map; move it to \`sensitiveVars\` so it is encrypted in the state and masked in previews.`,
        );
        continue;
      }
      // A value still unknown in preview (built from another resource's output) is checked at up.
      const value = readKnown(plain, name);
      if (typeof value === "string" && URL_WITH_PASSWORD.test(value)) {
        reportViolation(
          `Config var ${name} of Heroku app "${app}" holds a URL with a password in it but is in the plain \`vars\` map; move it to \`sensitiveVars\`.`,
        );
      }
    }
  },
};
