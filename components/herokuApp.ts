// The whole Gyana app on Heroku, as the runbook's "Heroku" section sets it up by hand: the app
// (EU), Heroku Postgres and Heroku Redis, the three buildpacks in order, the config vars (plain
// and secret kept apart so previews stay readable), the formation, the app's place in the `gyana`
// pipeline, and Honeybadger deploy tracking + log drain.
//
// The runbook's `?ssl_cert_reqs=none` on REDIS_URL comes from a buildpack of this repository that
// adds it at every dyno start (docs/redis-tls.md): Heroku refuses writes to an add-on's config vars.
//
// Nothing here waits for add-on provisioning: config vars, buildpacks, formation and the Honeybadger
// hooks depend only on the app, so a fresh `up` takes about as long as the slowest add-on.
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import {
  Addon,
  App,
  AppWebhook,
  Authorization,
  Buildpacks,
  ConfigVarQuerySuffix,
  ConfigVars,
  Formation,
  LogDrain,
  Pipeline,
  PipelineCoupling,
  type PipelineStage,
} from "../providers/heroku";

/** The runbook's buildpacks, in run order (Node builds assets, then Python, then credentials). */
export const DEFAULT_BUILDPACKS: readonly string[] = [
  "heroku/nodejs",
  "heroku/python",
  "https://github.com/buyersight/heroku-google-application-credentials-buildpack.git",
];

const DEFAULTS = {
  region: "eu",
  buildpacks: DEFAULT_BUILDPACKS,
  honeybadgerEndpoint: "us" as const,
  protect: false,
  secretKeyLength: 64,
  hashidsSaltLength: 32,
};

const HONEYBADGER_API_HOSTS = { us: "api.honeybadger.io", eu: "eu-api.honeybadger.io" };
// Documented drain host (docs.honeybadger.io/guides/insights/integrations/heroku). An EU variant
// of the *drain* host is NOT VERIFIED (only the deploy API's eu-api host is documented), so EU
// projects use this host too until Honeybadger's Heroku guide confirms another one.
const HONEYBADGER_LOGPLEX_HOST = "logplex.honeybadger.io";

/** Config var names the program manages; an extra var may not reuse one of them. */
export const PLAIN_VAR_NAMES = [
  "DJANGO_SETTINGS_MODULE",
  "ENVIRONMENT",
  "EXTERNAL_URL",
  "GCP_BQ_SVC_ACCOUNT",
  "GCP_PROJECT",
  "GOOGLE_APPLICATION_CREDENTIALS",
  "GS_BUCKET_NAME",
  "HEROKU_APP",
] as const;

export const SECRET_VAR_NAMES = [
  "GOOGLE_CREDENTIALS",
  "HASHIDS_SALT",
  "HELLONEXT_SSO_TOKEN",
  "HEROKU_API_KEY",
  "HONEYBADGER_API_KEY",
  "HONEYCOMB_API_KEY",
  "SECRET_KEY",
  "SEGMENT_ANALYTICS_JS_WRITE_KEY",
  "SEGMENT_ANALYTICS_WRITE_KEY",
  "SENDGRID_API_KEY",
] as const;

/** Vars the add-ons own: the program never sets them (Heroku refuses: "Cannot overwrite attachment values"). */
const ADDON_VAR_NAMES = ["DATABASE_URL", "REDIS_URL"];

/** The secrets from stack config that become config vars. */
export interface HerokuAppSecrets {
  readonly hellonextSsoToken: pulumi.Input<string>;
  readonly honeybadgerApiKey: pulumi.Input<string>;
  readonly honeycombApiKey: pulumi.Input<string>;
  readonly segmentAnalyticsJsWriteKey: pulumi.Input<string>;
  readonly segmentAnalyticsWriteKey: pulumi.Input<string>;
  readonly sendgridApiKey: pulumi.Input<string>;
}

export interface HerokuAppArgs {
  /** Heroku app name, e.g. `gyana-beta`. Also HEROKU_APP. */
  readonly name: string;
  /** Heroku region. Default `eu` (the runbook's). Changing it replaces the app. */
  readonly region?: string;
  /** Heroku stack for new builds, e.g. `heroku-24`. */
  readonly stack: string;
  /** Owning Heroku team. Default: none (a personal app). */
  readonly team?: string;
  /**
   * Maintenance mode. Absent: unmanaged, left as it is (the release and rollback tools switch it;
   * `pulumi up --refresh` then never switches it back). Present: managed, set to this value.
   */
  readonly maintenance?: boolean;
  /** ENVIRONMENT value: `development`, `staging` or `production`. Also Honeybadger's env. */
  readonly environment: string;
  /** EXTERNAL_URL, e.g. `https://app.gyana.com`. */
  readonly externalUrl: string;
  /** GCP_PROJECT, e.g. `gyana-app-314217`. */
  readonly gcpProject: string;
  /** Add-on plans, e.g. `heroku-postgresql:essential-0` and `heroku-redis:mini`. */
  readonly addons: { readonly postgres: { plan: string }; readonly redis: { plan: string } };
  /** Buildpacks in run order. Default {@link DEFAULT_BUILDPACKS}. */
  readonly buildpacks?: readonly string[];
  /**
   * Public https URL of the Redis TLS buildpack archive (GcpProject output), appended to the
   * buildpacks: it adds `ssl_cert_reqs=none` to a rediss:// REDIS_URL at every dyno start.
   */
  readonly redisTlsBuildpackUrl: pulumi.Input<string>;
  /** Process type → dyno quantity and size; any type of the Procfile (web, worker, priority, beat). */
  readonly formation: Readonly<Record<string, { quantity: number; size: string }>>;
  /**
   * The app's place in the shared pipeline. `owner: true` in exactly one stack (prod) creates
   * the pipeline; the others join it by name. Default owner false.
   */
  readonly pipeline: {
    readonly name: string;
    readonly stage: PipelineStage;
    readonly owner?: boolean;
  };
  /** GCP_BQ_SVC_ACCOUNT: the service account's email (GcpProject output). */
  readonly serviceAccountEmail: pulumi.Input<string>;
  /** GOOGLE_CREDENTIALS: the service account key JSON (secret, GcpProject output). */
  readonly googleCredentials: pulumi.Input<string>;
  /** GS_BUCKET_NAME: the upload bucket's name (GcpProject output). */
  readonly bucketName: pulumi.Input<string>;
  /** The six third-party secrets of the runbook's config var list. */
  readonly secrets: HerokuAppSecrets;
  /** SECRET_KEY to keep (the live app's). Default: generated, 64 characters. */
  readonly secretKey?: pulumi.Input<string>;
  /** HASHIDS_SALT to keep (the live app's). Default: generated, 32 characters. */
  readonly hashidsSalt?: pulumi.Input<string>;
  /** More plain config vars, e.g. `{ ENGINE_URL: "bigquery://gyana-app-314217" }`. Default none. */
  readonly extraConfigVars?: Readonly<Record<string, string>>;
  /** More secret config vars. Default none. */
  readonly extraSecretConfigVars?: pulumi.Input<Record<string, string>>;
  /**
   * Give the app a HEROKU_API_KEY: an OAuth authorization (scopes read + write, no expiry) made
   * with the deploying user's token. Default false: the app at HEAD reads no HEROKU_API_KEY, and a
   * Heroku token is not scoped to one app: it can change every app its user can, and anyone who
   * can read this app's config vars gets it (docs/security.md). Switching it off later leaves the
   * live var and its authorization as they are (the stack forgets them; remove them by hand).
   */
  readonly apiKeyConfigVar?: boolean;
  /** Honeybadger data centre of the project. Default `us`. */
  readonly honeybadger?: { readonly endpoint: "us" | "eu" };
  /**
   * Production: the app and the Postgres add-on are `protect`, and EVERY child is
   * `retainOnDelete`, so removing the stack leaves the app working as it is (config vars,
   * buildpacks, hooks, add-ons, API key) and only forgets it. Default false.
   */
  readonly protect?: boolean;
  /**
   * Existing resources to take over instead of creating (dynamic resources cannot use Pulumi's
   * `import` option, pulumi/pulumi#16175): `app` adopts the app of this `name`; `postgres` and
   * `redis` are the existing add-ons' *names*, adopted when they belong to the app;
   * `apiKeyAuthorization` is the id of the OAuth authorization whose token is the live
   * HEROKU_API_KEY, kept as it is (same token) instead of creating one. Default none.
   *
   * Adoption never changes live settings: with `app` set, the App's create first compares the
   * live region, stack, maintenance (when declared), add-on plans and formation with the declared
   * ones and refuses before any write when one differs; every other child waits for the App.
   */
  readonly imports?: {
    readonly app?: string;
    readonly postgres?: string;
    readonly redis?: string;
    readonly apiKeyAuthorization?: string;
  };
}

function duplicates(names: string[]): string[] {
  return [...new Set(names.filter((n, i) => names.indexOf(n) !== i))];
}

/** A Gyana app on Heroku with everything the runbook's Heroku section sets up. */
export class HerokuApp extends pulumi.ComponentResource {
  public readonly appName: pulumi.Output<string>;
  public readonly appId: pulumi.Output<string>;
  public readonly webUrl: pulumi.Output<string | null>;
  /** Plain config var names the program manages. */
  public readonly configVarNames: pulumi.Output<string[]>;
  /** Secret config var names (names in plain view, values secret). */
  public readonly sensitiveConfigVarNames: pulumi.Output<string[]>;
  public readonly postgresAddonName: pulumi.Output<string>;
  public readonly redisAddonName: pulumi.Output<string>;

  constructor(name: string, args: HerokuAppArgs, opts?: pulumi.ComponentResourceOptions) {
    super("gyana:heroku:App", name, {}, opts);
    const region = args.region ?? DEFAULTS.region;
    const protect = args.protect ?? DEFAULTS.protect;
    const buildpacks = [...(args.buildpacks ?? DEFAULTS.buildpacks)];
    const endpoint = args.honeybadger?.endpoint ?? DEFAULTS.honeybadgerEndpoint;
    const extraPlain = args.extraConfigVars ?? {};
    const managed = [...PLAIN_VAR_NAMES, ...SECRET_VAR_NAMES, ...ADDON_VAR_NAMES] as string[];
    const clash = Object.keys(extraPlain).filter((k) => managed.includes(k));
    if (clash.length > 0) {
      throw new pulumi.ResourceError(
        `\`extraConfigVars\` may not set ${clash.join(", ")}: the component sets ` +
          "it from its real source (or the add-on owns it)",
        this,
      );
    }
    if (duplicates(buildpacks).length > 0) {
      throw new pulumi.ResourceError(
        `\`buildpacks\` lists ${duplicates(buildpacks).join(", ")} twice`,
        this,
      );
    }
    if (Object.keys(args.formation).length === 0) {
      throw new pulumi.ResourceError("`formation` must declare at least one process type", this);
    }
    const adopting = args.imports?.app !== undefined;
    const postgresName = args.imports?.postgres ?? `${args.name}-postgresql`;
    const redisName = args.imports?.redis ?? `${args.name}-redis`;
    const formation = { ...args.formation };
    // Production: every child is retained when the stack (or the child) is removed, so that a
    // removal leaves the app as it runs: no config var nulled, no buildpack, hook or add-on gone.
    const child = protect ? { parent: this, retainOnDelete: true } : { parent: this };
    const kept = protect ? { protect: true, retainOnDelete: true } : {};

    const app = new App(
      name,
      {
        name: args.name,
        region,
        stack: args.stack,
        ...(args.team !== undefined ? { team: args.team } : {}),
        // Absent: unmanaged (release/rollback tools own it).
        ...(args.maintenance !== undefined ? { maintenance: args.maintenance } : {}),
        ...(adopting
          ? {
              adopt: true,
              // The takeover's pre-flight: checked against the live app before any write.
              adoptExpect: {
                addons: [
                  { name: postgresName, plan: args.addons.postgres.plan },
                  { name: redisName, plan: args.addons.redis.plan },
                ],
                formation,
              },
            }
          : {}),
      },
      { ...child, ...kept },
    );
    // When adopting, children that do not take the app's id wait for the App too, so that a
    // refused adoption (the App's create) comes before any write.
    const afterApp = adopting ? { ...child, dependsOn: [app] } : child;
    // Children refer to the app by its resource id (the app's uuid), never by an output such as
    // `appId`: a preview of an in-place change of the app (a rename, a new stack) knows only the
    // app's id and inputs (Pulumi takes the new inputs as its outputs), so an output would be
    // unknown and show every child as replaced although the up replaces nothing
    // (docs/testing.md "Previews").
    const appRef = app.id;

    const postgres = new Addon(
      `${name}-postgres`,
      {
        app: appRef,
        plan: args.addons.postgres.plan,
        // Add-on names are global; the default would derive from the app's uuid.
        name: postgresName,
      },
      { ...child, ...kept },
    );
    const redis = new Addon(
      `${name}-redis`,
      {
        app: appRef,
        plan: args.addons.redis.plan,
        name: redisName,
      },
      child,
    );
    // Retired, inert: kept declared so that stacks made when it PATCHed REDIS_URL leave it behind
    // without a write (providers/heroku/configVarQuerySuffix.ts, docs/redis-tls.md).
    new ConfigVarQuerySuffix(`${name}-redis-tls`, { app: appRef }, child);

    // The Redis TLS buildpack last: .profile.d scripts are sourced in file-name order whatever the
    // buildpack order, so its place only keeps the runbook's three at their positions.
    new Buildpacks(
      `${name}-buildpacks`,
      { app: appRef, buildpacks: [...buildpacks, args.redisTlsBuildpackUrl] },
      child,
    );

    const secretKey =
      args.secretKey ??
      new random.RandomPassword(
        `${name}-secret-key`,
        { length: DEFAULTS.secretKeyLength, special: true, overrideSpecial: "!@#$%^&*(-_=+)" },
        child,
      ).result;
    const hashidsSalt =
      args.hashidsSalt ??
      new random.RandomPassword(
        `${name}-hashids-salt`,
        { length: DEFAULTS.hashidsSaltLength, special: false },
        child,
      ).result;
    if (!args.apiKeyConfigVar && args.imports?.apiKeyAuthorization !== undefined) {
      throw new pulumi.ResourceError(
        "`imports.apiKeyAuthorization` needs `apiKeyConfigVar: true`: without it the stack " +
          "manages no HEROKU_API_KEY and leaves a live one as it is",
        this,
      );
    }
    // Opt-in (see `apiKeyConfigVar`). Retained on delete, whatever the stack: the token may be the
    // live one taken over from the hand-made app, and switching the opt-in off must not revoke
    // what the app may still use; the config var below is retained the same way.
    const apiKey = args.apiKeyConfigVar
      ? new Authorization(
          `${name}-api-key`,
          {
            description: `HEROKU_API_KEY of ${args.name} (managed by Pulumi)`,
            ...(args.imports?.apiKeyAuthorization !== undefined
              ? { adopt: args.imports.apiKeyAuthorization }
              : {}),
          },
          { ...afterApp, retainOnDelete: true },
        )
      : undefined;

    const plainVars: Record<string, pulumi.Input<string>> = {
      DJANGO_SETTINGS_MODULE: "gyana.settings.heroku",
      ENVIRONMENT: args.environment,
      EXTERNAL_URL: args.externalUrl,
      GCP_BQ_SVC_ACCOUNT: args.serviceAccountEmail,
      GCP_PROJECT: args.gcpProject,
      GOOGLE_APPLICATION_CREDENTIALS: "google-credentials.json",
      GS_BUCKET_NAME: args.bucketName,
      HEROKU_APP: app.name,
      ...extraPlain,
    };
    const secretVars: Record<string, pulumi.Input<string>> = {
      GOOGLE_CREDENTIALS: args.googleCredentials,
      HASHIDS_SALT: hashidsSalt,
      HELLONEXT_SSO_TOKEN: args.secrets.hellonextSsoToken,
      ...(apiKey ? { HEROKU_API_KEY: apiKey.token } : {}),
      HONEYBADGER_API_KEY: args.secrets.honeybadgerApiKey,
      HONEYCOMB_API_KEY: args.secrets.honeycombApiKey,
      SECRET_KEY: secretKey,
      SEGMENT_ANALYTICS_JS_WRITE_KEY: args.secrets.segmentAnalyticsJsWriteKey,
      SEGMENT_ANALYTICS_WRITE_KEY: args.secrets.segmentAnalyticsWriteKey,
      SENDGRID_API_KEY: args.secrets.sendgridApiKey,
    };
    const sensitiveVars =
      args.extraSecretConfigVars === undefined
        ? secretVars
        : pulumi
            .all([pulumi.output(args.extraSecretConfigVars), pulumi.output(secretVars)])
            .apply(([extra, own]) => {
              const taken = Object.keys(extra).filter(
                (k) => managed.includes(k) || k in extraPlain,
              );
              if (taken.length > 0) {
                throw new pulumi.ResourceError(
                  `\`extraSecretConfigVars\` may not set ${taken.join(", ")}: it is already set`,
                  this,
                );
              }
              return { ...extra, ...own };
            });
    // Plain and secret vars in separate maps: one secret inside a map makes the whole map secret
    // in a preview, and the names of the secret vars stay visible.
    // HEROKU_API_KEY is never nulled by the stack: when it is not (or no longer) declared, a live
    // value (the hand-made app's, or one an earlier `up` set) stays as it is.
    new ConfigVars(
      `${name}-config`,
      { app: appRef, vars: plainVars, sensitiveVars, retainOnRemoval: ["HEROKU_API_KEY"] },
      child,
    );

    new Formation(
      `${name}-formation`,
      // Adopting: refuse to rescale the hand-made app (the App checked it already; this is the
      // resource's own guard).
      { app: appRef, processes: formation, ...(adopting ? { adopt: true } : {}) },
      child,
    );

    const pipeline = args.pipeline.owner
      ? new Pipeline(
          `${name}-pipeline`,
          // Adopting the hand-made setup (`imports.app`) takes over the existing pipeline too.
          {
            name: args.pipeline.name,
            // Owned by the apps' team, else by the user of HEROKU_API_KEY (sent as `owner`).
            ...(args.team !== undefined ? { team: args.team } : {}),
            ...(adopting ? { adopt: true } : {}),
          },
          // Other stacks' apps are coupled to it: leave it in place if this stack goes away.
          { ...afterApp, protect, retainOnDelete: true },
        )
      : undefined;
    new PipelineCoupling(
      `${name}-pipeline-coupling`,
      {
        app: appRef,
        // By id (the Pipeline's resource id): known in a preview of a pipeline rename.
        pipeline: pipeline ? pipeline.id : args.pipeline.name,
        stage: args.pipeline.stage,
      },
      child,
    );

    // Honeybadger: deploy tracking (release webhook) and Heroku platform errors (log drain).
    const hbKey = pulumi.secret(
      pulumi.output(args.secrets.honeybadgerApiKey).apply((k) => encodeURIComponent(k)),
    );
    const env = encodeURIComponent(args.environment);
    new AppWebhook(
      `${name}-honeybadger-deploys`,
      {
        app: appRef,
        include: ["api:release"],
        level: "notify",
        url: pulumi.interpolate`https://${HONEYBADGER_API_HOSTS[endpoint]}/v1/deploys/heroku?environment=${env}&api_key=${hbKey}`,
      },
      child,
    );
    new LogDrain(
      `${name}-honeybadger-logs`,
      {
        app: appRef,
        url: pulumi.interpolate`https://${HONEYBADGER_LOGPLEX_HOST}/v1/events?api_key=${hbKey}&env=${env}`,
      },
      child,
    );

    this.appName = app.name;
    this.appId = app.id;
    this.webUrl = app.webUrl;
    this.configVarNames = pulumi.output(Object.keys(plainVars).sort());
    // Known when the program runs (not after the ConfigVars are created), so a preview of a new
    // stack lists them too; extra secret vars' names come from their (secret) map, unsecreted.
    this.sensitiveConfigVarNames =
      args.extraSecretConfigVars === undefined
        ? pulumi.output(Object.keys(secretVars).sort())
        : pulumi.unsecret(
            pulumi
              .output(args.extraSecretConfigVars)
              .apply((extra) => [...Object.keys(secretVars), ...Object.keys(extra)].sort()),
          );
    this.postgresAddonName = postgres.name;
    this.redisAddonName = redis.name;
    this.registerOutputs({
      appName: this.appName,
      appId: this.appId,
      webUrl: this.webUrl,
      configVarNames: this.configVarNames,
      sensitiveConfigVarNames: this.sensitiveConfigVarNames,
      postgresAddonName: this.postgresAddonName,
      redisAddonName: this.redisAddonName,
    });
  }
}
