// Heroku config vars in a ConfigVars resource's plain `vars` map are stored in the Pulumi state
// and shown in previews in clear text; only `sensitiveVars` are encrypted and masked. A var
// whose name says it is a credential, or whose value is a URL with a password in it, belongs in
// `sensitiveVars`. Names that match but hold no secret (GOOGLE_APPLICATION_CREDENTIALS is a file
// path) are allowed through policy config `allowPlain`.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { HEROKU_CONFIG_VARS, displayName, readKnown } from "./resources";

/**
 * Whether a config var name says it holds a credential. Names are split at underscores: a segment
 * that contains a credential word (STRIPE_SECRETKEY, PRIVATEKEY, CLIENT_SECRET, AUTH_TOKEN), is KEY
 * or a kind of key (APIKEY, ACCESSKEY; not MONKEY), or is a short credential word on its own
 * (DB_PASS, GITHUB_PAT, HASHIDS_SALT, SENTRY_DSN).
 */
export function isSecretName(name: string): boolean {
  return name
    .toUpperCase()
    .split(/_+/)
    .some(
      (segment) =>
        /SECRET|PASSWORD|PASSWD|PASSPHRASE|TOKEN|PRIVATE|CREDENTIAL/.test(segment) ||
        /^(|API|ACCESS|AUTH|CLIENT|APP|SERVICE|SIGNING|ENCRYPTION|MASTER|WRITE|READ|DEPLOY|SSH|GPG|PGP|HMAC|LICENSE|SESSION)KEY$/.test(
          segment,
        ) ||
        /^(PASS|PWD|PAT|PIN|SALT|DSN|AUTH|JWT|OTP|SIG|SIGNATURE|CERT)$/.test(segment),
    );
}

/** scheme://user:password@host — the shape of DATABASE_URL, REDIS_URL and friends. */
export const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:[^/\s@]+@/i;

/** scheme://anything@host: a token as URL user (https://<token>@github.com/…). */
const URL_WITH_USERINFO = /^[a-z][a-z0-9+.-]*:\/\/[^/\s@]+@/i;

/** A query parameter that carries a credential: ?api_key=…, &token=…, &sig=… */
const CREDENTIAL_PARAM =
  /[?&](api[-_]?key|apikey|key|access[-_]?token|token|auth|secret|client[-_]?secret|password|passwd|pass|pwd|sig|signature)=[^&\s]/i;

/**
 * Prefixes of well-known credential formats: PEM keys, Stripe keys (sk_/rk_ live and test),
 * GitHub tokens (ghp_ gho_ ghu_ ghs_ ghr_ github_pat_), Slack tokens (xoxb- xoxp- xoxa- xoxr-),
 * Heroku tokens (HRKU-), AWS access key ids (AKIA).
 */
const CREDENTIAL_FORMAT =
  /^(-----BEGIN [A-Z ]*(PRIVATE KEY|CERTIFICATE)-----|[sr]k_(live|test)_|gh[pousr]_|github_pat_|xox[abpr]-|HRKU-|AKIA[0-9A-Z]{16})/;

/** Why a plain value looks like a credential, or undefined. Never echoes the value. */
export function secretValueReason(value: string): string | undefined {
  if (URL_WITH_PASSWORD.test(value)) return "holds a URL with a password in it";
  if (URL_WITH_USERINFO.test(value)) return "holds a URL with a user (often a token) in it";
  if (CREDENTIAL_PARAM.test(value))
    return "holds a URL whose query carries a credential (api_key=, token=, …)";
  if (CREDENTIAL_FORMAT.test(value.trim())) return "holds a value in a known credential format";
  return undefined;
}

export const DEFAULT_ALLOW_PLAIN = ["GOOGLE_APPLICATION_CREDENTIALS"];

/**
 * What the operator does about it, in the stack config they edit: plain vars come from
 * gyana:configVars, and gyana:secretConfigVars is the encrypted place for extra ones.
 */
export const MOVE_TO_SECRETS =
  "in the stack config, remove it from gyana:configVars and add it to the JSON object in gyana:secretConfigVars (`pulumi config set --secret gyana:secretConfigVars`; docs/config.md), which is encrypted in the state and masked in previews.";

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
      if (isSecretName(name)) {
        reportViolation(
          `Config var ${name} of Heroku app "${app}" looks like a secret but is a plain config var; ${MOVE_TO_SECRETS}`,
        );
        continue;
      }
      // A value still unknown in preview (built from another resource's output) is checked at up.
      const value = readKnown(plain, name);
      const reason = typeof value === "string" ? secretValueReason(value) : undefined;
      if (reason !== undefined) {
        reportViolation(
          `Config var ${name} of Heroku app "${app}" ${reason} but is a plain config var; ${MOVE_TO_SECRETS}`,
        );
      }
    }
  },
};
