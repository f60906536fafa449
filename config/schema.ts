// The stack config's one schema: every `gyana:*` key (plus `gcp:project`), what it may hold, and
// the message an operator sees when it holds something else.
import { z } from "zod";
import { EU_LOCATIONS } from "../policy/euLocations";
import { CONFIG_VARS_MAX_BYTES, DYNO_SIZES, HEROKU_STACKS, PROCESS_TYPES } from "./herokuFacts";

export const ENVIRONMENTS = ["development", "staging", "production"] as const;
export const PIPELINE_STAGES = ["development", "staging", "production"] as const;
export const HEROKU_REGIONS = ["eu"] as const;
export const DNS_MODES = ["godaddy", "manual"] as const;
export const HONEYBADGER_ENDPOINTS = ["us", "eu"] as const;
/** Where the upload bucket may be: the EU, the policy pack's own list (one source for both). */
export const BUCKET_LOCATIONS = EU_LOCATIONS;
export const MIN_DNS_TTL = 600;

const GCP_PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const HEROKU_APP_NAME = /^[a-z][a-z0-9-]{1,28}[a-z0-9]$/;
const HEROKU_PIPELINE_NAME = /^[a-z][a-z0-9-]{2,29}$/;
const SERVICE_ACCOUNT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const BUCKET_NAME = /^[a-z0-9][a-z0-9_.-]{1,61}[a-z0-9]$/;
const ADDON_PLAN = (service: string) => new RegExp(`^${service}:[a-z0-9-]{1,60}$`);
const CONFIG_VAR_NAME = /^[A-Z][A-Z0-9_]{0,127}$/;
const HOST_LABELS = "(?!-)[a-z0-9-]{1,63}(?<!-)(\\.(?!-)[a-z0-9-]{1,63}(?<!-))+";
const HOSTNAME = new RegExp(`^(?=.{1,253}$)${HOST_LABELS}$`);
/** https:// and a host, nothing else: no user info, port, path, query or trailing slash. */
const HTTPS_HOST_URL = new RegExp(`^https://(?=.{1,253}$)${HOST_LABELS}$`);
const ORIGIN = new RegExp(`^https?://(?=.{1,253}(:|$))${HOST_LABELS}(:\\d{1,5})?$`);
const KEY_ID = /^[a-z0-9][a-z0-9-]{0,30}$/;
/** Ids of existing resources to adopt (Heroku uuids and names, GCP ids): bounded, printable. */
const IMPORT_ID = /^[\w.@:/-]{1,255}$/;

const oneOf = (values: readonly string[]) => values.join(", ");

/** A string matching `pattern`; a missing or non-string value gets the same message. */
const matching = (pattern: RegExp, message: string) =>
  z.string({ error: message }).regex(pattern, { error: message });

const httpsUrl = matching(
  HTTPS_HOST_URL,
  "must be https:// followed by a lower-case host name and nothing else (no path, port, user or trailing slash), e.g. https://app.gyana.com",
);

const origin = matching(
  ORIGIN,
  "must be an origin: scheme and host with no path, e.g. https://beta.gyana.com",
);

// RFC 5321 caps an address at 254 characters.
const email = z
  .email({ error: "must be an email address, e.g. jane@gyana.co.uk" })
  .max(254, { error: "must be an email address of at most 254 characters" });

const importId = matching(
  IMPORT_ID,
  "must be the id of an existing resource: up to 255 letters, digits and . _ @ : / -",
);

const formationEntry = z.strictObject(
  {
    quantity: z
      .number({ error: "must be a whole number from 0 to 100" })
      .int({ error: "must be a whole number from 0 to 100" })
      .min(0, { error: "must be a whole number from 0 to 100" })
      .max(100, { error: "must be a whole number from 0 to 100" }),
    size: z
      .string({ error: `must be a Heroku dyno size: ${oneOf(DYNO_SIZES)}` })
      .refine((size) => DYNO_SIZES.some((known) => known === size.toLowerCase()), {
        error: `must be a Heroku dyno size: ${oneOf(DYNO_SIZES)}`,
      }),
  },
  { error: "must be a process: { quantity: <0 to 100>, size: <dyno size> }" },
);

/** One entry per process type of the app's Procfile, each required: a missing one goes unmanaged. */
const formationSchema = z.strictObject(
  Object.fromEntries(PROCESS_TYPES.map((type) => [type, formationEntry])) as Record<
    (typeof PROCESS_TYPES)[number],
    typeof formationEntry
  >,
  {
    error: `must map each process type of the app's Procfile (${oneOf(PROCESS_TYPES)}) to its quantity and size`,
  },
);

export const herokuSchema = z.strictObject({
  app: matching(
    HEROKU_APP_NAME,
    "must be a Heroku app name: 3-30 lower-case letters, digits and dashes, starting with a letter",
  ),
  region: z.enum(HEROKU_REGIONS, { error: `must be one of: ${oneOf(HEROKU_REGIONS)}` }),
  stack: z.enum(HEROKU_STACKS, {
    error: `must be a stack Heroku still supports: ${oneOf(HEROKU_STACKS)}`,
  }),
  // The schema gives team names no pattern: bounded and printable is all that is checked.
  team: matching(
    /^[\w.-]{1,100}$/,
    "must be a Heroku team name of at most 100 characters",
  ).optional(),
  /**
   * Maintenance mode, managed only when set: the release and rollback commands switch it during
   * an operation, and an `up` must not switch it back under them.
   */
  maintenance: z.boolean({ error: "must be true or false" }).optional(),
  /**
   * Give the app a HEROKU_API_KEY (an account-wide read+write token). Off unless set: the app
   * at HEAD does not read it (docs/security.md, "The app's HEROKU_API_KEY").
   */
  apiKeyConfigVar: z.boolean({ error: "must be true or false" }).default(false),
  addons: z.strictObject({
    postgres: matching(
      ADDON_PLAN("heroku-postgresql"),
      "must be a Heroku Postgres plan, e.g. heroku-postgresql:essential-0",
    ),
    redis: matching(
      ADDON_PLAN("heroku-redis"),
      "must be a Heroku Key-Value Store plan, e.g. heroku-redis:mini",
    ),
  }),
  formation: formationSchema,
  pipeline: z.strictObject({
    name: matching(
      HEROKU_PIPELINE_NAME,
      "must be a Heroku pipeline name: 3-30 lower-case letters, digits and dashes",
    ),
    stage: z.enum(PIPELINE_STAGES, { error: `must be one of: ${oneOf(PIPELINE_STAGES)}` }),
    /** The stack that creates the pipeline; the others join it by name. */
    owner: z.boolean({ error: "must be true or false" }).default(false),
  }),
});

export const googleSchema = z.strictObject({
  serviceAccountId: matching(
    SERVICE_ACCOUNT_ID,
    "must be a service account id: 6-30 lower-case letters, digits and dashes",
  ),
  /** One key per entry; GOOGLE_CREDENTIALS uses the last. Add an entry to rotate. */
  serviceAccountKeys: z
    .array(matching(KEY_ID, "must be a key id: lower-case letters, digits and dashes"))
    .min(1, { error: 'must list at least one key id, e.g. ["initial"]' }),
  /** Only addresses at these domains may become developers (Editor, KMS admin). */
  developerDomains: z
    .array(matching(HOSTNAME, "must be an email domain, e.g. gyana.co.uk"))
    .min(1, { error: "must list at least one email domain, e.g. [gyana.co.uk]" }),
  developers: z.array(email),
  apis: z
    .array(
      matching(
        /^[a-z0-9-]{1,63}\.googleapis\.com$/,
        "must be a Google API service name, e.g. sheets.googleapis.com",
      ),
    )
    .min(1, { error: "must list at least one API, e.g. [sheets.googleapis.com]" }),
  bucket: z.strictObject({
    name: matching(
      BUCKET_NAME,
      "must be a Cloud Storage bucket name: 3-63 lower-case letters, digits, - _ .",
    ),
    location: z.enum(BUCKET_LOCATIONS, {
      error:
        `must be one of: ${oneOf(BUCKET_LOCATIONS)} (users' files stay in the EU; the policy ` +
        "pack refuses any other location, and a bucket's location cannot change later)",
    }),
    corsOrigins: z.array(origin).min(1, { error: "must list at least one origin" }),
  }),
});

export const domainsSchema = z
  .strictObject({
    zone: matching(HOSTNAME, "must be a DNS zone, e.g. gyana.com"),
    hostnames: z.array(matching(HOSTNAME, "must be a host name, e.g. app.gyana.com")),
    ttl: z
      .number({ error: `must be a whole number of seconds, at least ${MIN_DNS_TTL}` })
      .int({ error: `must be a whole number of seconds, at least ${MIN_DNS_TTL}` })
      .min(MIN_DNS_TTL, {
        error: `must be at least ${MIN_DNS_TTL} seconds (GoDaddy refuses shorter TTLs)`,
      })
      .default(MIN_DNS_TTL),
    dns: z.enum(DNS_MODES, { error: `must be one of: ${oneOf(DNS_MODES)}` }).default("godaddy"),
  })
  .superRefine((domains, ctx) => {
    domains.hostnames.forEach((hostname, index) => {
      if (!hostname.endsWith(`.${domains.zone}`)) {
        ctx.addIssue({
          code: "custom",
          path: ["hostnames", index],
          message: `must be inside the zone ${domains.zone} (gyana:domains.zone), as <host>.${domains.zone}`,
        });
      }
    });
  });

const configVarMap = z.record(
  matching(
    CONFIG_VAR_NAME,
    "must be a config var name in UPPER_SNAKE_CASE, at most 128 characters",
  ),
  z.string({ error: "must be a string" }).max(CONFIG_VARS_MAX_BYTES, {
    error: "must be at most 32 kB (Heroku's limit for all config vars)",
  }),
);

export const importsSchema = z
  .strictObject({
    herokuApp: importId.optional(),
    postgres: importId.optional(),
    redis: importId.optional(),
    bucket: importId.optional(),
    serviceAccount: importId.optional(),
    /** Host names already on the Heroku app, adopted rather than added. */
    domains: z.array(matching(HOSTNAME, "must be a host name, e.g. app.gyana.com")).optional(),
    /** Name of the app's existing SNI endpoint, which gets the stack's certificate. */
    sniEndpoint: importId.optional(),
    /**
     * Id of the OAuth authorization whose token is the live HEROKU_API_KEY
     * (`heroku authorizations`), taken over instead of creating a new one.
     */
    herokuApiKeyAuthorization: importId.optional(),
  })
  .default({});

/** Every plain (non-secret) key under `gyana:`. */
export const plainConfigSchema = z.strictObject({
  gcpProject: matching(
    GCP_PROJECT_ID,
    "must be a Google Cloud project id: 6-30 lower-case letters, digits and dashes",
  ),
  environment: z.enum(ENVIRONMENTS, { error: `must be one of: ${oneOf(ENVIRONMENTS)}` }),
  externalUrl: httpsUrl,
  protect: z.boolean({ error: "must be true or false" }),
  /**
   * Production refuses to run without gyana:secretKey (a new SECRET_KEY logs every user out and
   * makes encrypted fields unreadable) unless this says a generated one is intended.
   */
  generateSecretKey: z.boolean({ error: "must be true or false" }).default(false),
  /**
   * Production refuses to run without gyana:hashidsSalt (a new HASHIDS_SALT breaks every hashid
   * URL the app ever issued) unless this says a generated one is intended.
   */
  generateHashidsSalt: z.boolean({ error: "must be true or false" }).default(false),
  heroku: herokuSchema,
  google: googleSchema,
  domains: domainsSchema,
  honeybadger: z
    .strictObject({
      endpoint: z
        .enum(HONEYBADGER_ENDPOINTS, { error: `must be one of: ${oneOf(HONEYBADGER_ENDPOINTS)}` })
        .default("us"),
    })
    .default({ endpoint: "us" }),
  configVars: configVarMap.default({}),
  imports: importsSchema,
});

export type PlainConfig = z.infer<typeof plainConfigSchema>;

/** Plain keys, as they are spelled in `Pulumi.<stack>.yaml`. */
export const PLAIN_KEYS: Record<keyof PlainConfig, { key: string; structured: boolean }> = {
  gcpProject: { key: "gcp:project", structured: false },
  environment: { key: "gyana:environment", structured: false },
  externalUrl: { key: "gyana:externalUrl", structured: false },
  protect: { key: "gyana:protect", structured: true },
  generateSecretKey: { key: "gyana:generateSecretKey", structured: true },
  generateHashidsSalt: { key: "gyana:generateHashidsSalt", structured: true },
  heroku: { key: "gyana:heroku", structured: true },
  google: { key: "gyana:google", structured: true },
  domains: { key: "gyana:domains", structured: true },
  honeybadger: { key: "gyana:honeybadger", structured: true },
  configVars: { key: "gyana:configVars", structured: true },
  imports: { key: "gyana:imports", structured: true },
};

export interface SecretKeySpec {
  key: string;
  /** Where the value comes from, for the README and error messages. */
  source: string;
  /**
   * `in-production`: required when gyana:environment is production, unless its `generatedWith`
   * flag says a generated value is intended.
   */
  required: "always" | "optional" | "with-domains" | "in-production";
  /**
   * For a value the stack generates when it is absent: the plain flag that says a generated one
   * is intended in production, and what generating a new one breaks (for the messages).
   */
  generated?: { with: GenerateFlag; configVar: string; breaks: string };
  /** Extra validation of the plain value; returns a problem or undefined. */
  check?: (value: string) => string | undefined;
}

/** What decides whether a stack must set a secret. */
export interface SecretContext {
  /** The stack declares host names (gyana:domains.hostnames), so it needs a certificate. */
  withDomains: boolean;
  /** gyana:environment is production. */
  production: boolean;
  /** gyana:generateSecretKey is true. */
  generateSecretKey: boolean;
  /** gyana:generateHashidsSalt is true. */
  generateHashidsSalt: boolean;
}

/** The plain flags that let production generate a secret on purpose. */
export type GenerateFlag = "generateSecretKey" | "generateHashidsSalt";

/** Whether a stack must set this secret. */
export function isSecretRequired(spec: SecretKeySpec, context: SecretContext): boolean {
  switch (spec.required) {
    case "always":
      return true;
    case "with-domains":
      return context.withDomains;
    case "in-production":
      return context.production && !(spec.generated && context[spec.generated.with]);
    default:
      return false;
  }
}

const minLength = (n: number) => (value: string) =>
  value.length >= n ? undefined : `must be at least ${n} characters long`;

/** Every secret key. Values are set with `pulumi config set --secret <key>`. */
export const SECRET_KEYS = {
  hellonextSsoToken: {
    key: "gyana:hellonextSsoToken",
    source: "Hellonext dashboard → SSO token",
    required: "always",
  },
  honeybadgerApiKey: {
    key: "gyana:honeybadgerApiKey",
    source: "Honeybadger project settings → API key",
    required: "always",
  },
  honeycombApiKey: {
    key: "gyana:honeycombApiKey",
    source: "Honeycomb environment settings → API keys",
    required: "always",
  },
  segmentAnalyticsJsWriteKey: {
    key: "gyana:segmentAnalyticsJsWriteKey",
    source: "Segment → the JavaScript source's write key",
    required: "always",
  },
  segmentAnalyticsWriteKey: {
    key: "gyana:segmentAnalyticsWriteKey",
    source: "Segment → the Python source's write key",
    required: "always",
  },
  sendgridApiKey: {
    key: "gyana:sendgridApiKey",
    source: "SendGrid → Settings → API keys",
    required: "always",
  },
  secretKey: {
    key: "gyana:secretKey",
    source:
      "the live app's SECRET_KEY (keep it: sessions and encrypted fields derive from it); outside production, omit to generate one",
    required: "in-production",
    generated: {
      with: "generateSecretKey",
      configVar: "SECRET_KEY",
      breaks: "that logs every user out and makes encrypted fields unreadable",
    },
    check: minLength(50),
  },
  hashidsSalt: {
    key: "gyana:hashidsSalt",
    source:
      "the live app's HASHIDS_SALT (keep it: every hashid URL the app issued depends on it); outside production, omit to generate one",
    required: "in-production",
    generated: {
      with: "generateHashidsSalt",
      configVar: "HASHIDS_SALT",
      breaks:
        "that breaks every hashid URL the app ever issued: links, bookmarks and emails stop resolving",
    },
    check: minLength(16),
  },
  secretConfigVars: {
    key: "gyana:secretConfigVars",
    source: "extra secret config vars as a JSON object of NAME → value",
    required: "optional",
    check: (value) => {
      try {
        const parsed: unknown = JSON.parse(value);
        const ok =
          parsed !== null &&
          typeof parsed === "object" &&
          !Array.isArray(parsed) &&
          Object.entries(parsed).every(
            ([name, v]) => CONFIG_VAR_NAME.test(name) && typeof v === "string",
          );
        return ok ? undefined : "must be a JSON object of UPPER_SNAKE_CASE names to string values";
      } catch {
        return "must be a JSON object of UPPER_SNAKE_CASE names to string values";
      }
    },
  },
  tlsCertificate: {
    key: "gyana:tlsCertificate",
    source: "the *.gyana.com certificate chain (.pem), leaf first",
    required: "with-domains",
  },
  tlsPrivateKey: {
    key: "gyana:tlsPrivateKey",
    source: "the *.gyana.com certificate's private key (.key)",
    required: "with-domains",
  },
} as const satisfies Record<string, SecretKeySpec>;

export type SecretName = keyof typeof SECRET_KEYS;
