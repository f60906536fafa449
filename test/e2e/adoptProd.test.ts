// Adopting ALL of production as the runbook built it by hand: the app, both add-ons, the config
// vars (live SECRET_KEY, HASHIDS_SALT, REDIS_URL with its TLS parameter, and a HEROKU_API_KEY from
// a `heroku authorizations:create` token, which the stack leaves alone: gyana:heroku.apiKeyConfigVar
// is off), buildpacks, formation, app.gyana.com and beta.gyana.com on
// an SNI endpoint with the wildcard certificate, the GoDaddy CNAMEs at their targets, the pipeline
// and production coupling, the Honeybadger drain and webhook, and the GCP bucket and service
// account (by import id). The first `up` with `gyana:imports` creates nothing that exists; every
// request that could write is listed below; the second `up` writes nothing. And when the live app
// differs from the stack config (a database plan, dyno sizes), adopting refuses and writes
// nothing at all, rather than changing production as a side effect of the takeover.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { UpResult } from "../../tools/emulatedUp";
import { testSecrets } from "../support/stack";
import {
  APP_PROCESS_TYPES,
  allowSeveralUps,
  changes,
  failedUp,
  writesOf,
  startE2eEnvironment,
  up,
  type E2eEnvironment,
} from "./harness";

allowSeveralUps();

const APP = "gyana-beta";
const LIVE_SECRET_KEY = "live-django-secret-key-".padEnd(60, "x");
const LIVE_SALT = "live-hashids-salt-abcdefghijklmn";
const PROJECT = "gyana-app-314217";
const SA_EMAIL = `gyana-app@${PROJECT}.iam.gserviceaccount.com`;
const IMPORT_IDS = {
  bucket: "gyana-app",
  serviceAccount: `projects/${PROJECT}/serviceAccounts/${SA_EMAIL}`,
};
const CREDENTIALS_BUILDPACK =
  "https://github.com/buyersight/heroku-google-application-credentials-buildpack.git";

/** Every write the providers may send when adopting, as `METHOD route status`. */
const WRITE = (route: string, status = 200) => `${route} ${status}`;

interface HandMadeProd {
  appId: string;
  addonIds: string[];
  pipelineId: string;
  couplingId: string;
  sniId: string;
  sniName: string;
  domainIds: Record<string, string>;
  drainId: string;
  webhookId: string;
  authorizationId: string;
  token: string;
  redisUrl: string;
  records: unknown[];
}

/**
 * What the runbook does by hand, through the (emulated) Platform API as the CLI would:
 * `herokuHosts` are added to the app on the SNI endpoint, `cnames` maps each GoDaddy host to the
 * Heroku domain whose DNS target it points at.
 */
async function buildHandMadeProd(
  emulators: E2eEnvironment,
  runbook: { herokuHosts: string[]; cnames: Record<string, string> },
): Promise<HandMadeProd> {
  const { heroku, godaddy } = emulators;
  const secrets = await testSecrets();
  const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${heroku.url}${path}`, {
      method,
      headers: {
        Accept: "application/vnd.heroku+json; version=3",
        Authorization: `Bearer ${heroku.token}`,
        "Content-Type": "application/json",
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };

  const { state } = heroku;
  const app = state.createApp({ name: APP, region: "eu", stack: "heroku-24" });
  const postgres = state.createAddon(app, {
    plan: "heroku-postgresql:standard-0",
    name: "postgresql-curly-12345",
    provisioned: true,
  });
  const redis = state.createAddon(app, {
    plan: "heroku-redis:premium-0",
    name: "redis-flat-67890",
    provisioned: true,
  });
  state.deploy(app, {
    processTypes: APP_PROCESS_TYPES,
  });
  // `heroku buildpacks:add` ×3 and `heroku ps:scale`, in the runbook's order and sizes.
  await api("PUT", `/apps/${APP}/buildpack-installations`, {
    updates: ["heroku/nodejs", "heroku/python", CREDENTIALS_BUILDPACK].map((buildpack) => ({
      buildpack,
    })),
  });
  await api("PATCH", `/apps/${APP}/formation`, {
    updates: [
      { type: "web", quantity: 2, dyno_size: { name: "standard-2X" } },
      { type: "worker", quantity: 1, dyno_size: { name: "standard-2X" } },
      { type: "priority", quantity: 1, dyno_size: { name: "standard-1X" } },
      { type: "beat", quantity: 1, dyno_size: { name: "standard-1X" } },
    ],
  });
  // `heroku authorizations:create` (its defaults: global scope) for HEROKU_API_KEY.
  const authorization = await api<{ id: string; access_token: { token: string } }>(
    "POST",
    "/oauth/authorizations",
    { scope: ["global"], description: "gyana-beta HEROKU_API_KEY" },
  );
  // The runbook's config vars. GOOGLE_CREDENTIALS holds the hand-made key; the stack's key
  // (gyana:google.serviceAccountKeys) is a new one, since a key's private part cannot be imported.
  // The runbook's hand edit of REDIS_URL: Heroku refuses it through the API today ("Cannot
  // overwrite attachment values REDIS_URL."), so whatever the live URL is, it is put straight into
  // the emulator. The stack must leave it exactly as it is.
  const redisUrl = `${app.configVars["REDIS_URL"]}?ssl_cert_reqs=none`;
  app.configVars["REDIS_URL"] = redisUrl;
  await api("PATCH", `/apps/${APP}/config-vars`, {
    DJANGO_SETTINGS_MODULE: "gyana.settings.heroku",
    ENVIRONMENT: "production",
    EXTERNAL_URL: "https://app.gyana.com",
    GCP_BQ_SVC_ACCOUNT: SA_EMAIL,
    GCP_PROJECT: PROJECT,
    GOOGLE_APPLICATION_CREDENTIALS: "google-credentials.json",
    GOOGLE_CREDENTIALS: '{"type":"service_account","private_key_id":"hand-made"}',
    GS_BUCKET_NAME: "gyana-app",
    HEROKU_APP: APP,
    ENGINE_URL: `bigquery://${PROJECT}`,
    HASHIDS_SALT: LIVE_SALT,
    SECRET_KEY: LIVE_SECRET_KEY,
    HEROKU_API_KEY: authorization.access_token.token,
    HELLONEXT_SSO_TOKEN: secrets["gyana:hellonextSsoToken"],
    HONEYBADGER_API_KEY: secrets["gyana:honeybadgerApiKey"],
    HONEYCOMB_API_KEY: secrets["gyana:honeycombApiKey"],
    SEGMENT_ANALYTICS_JS_WRITE_KEY: secrets["gyana:segmentAnalyticsJsWriteKey"],
    SEGMENT_ANALYTICS_WRITE_KEY: secrets["gyana:segmentAnalyticsWriteKey"],
    SENDGRID_API_KEY: secrets["gyana:sendgridApiKey"],
    SOMETHING_BY_HAND: "kept",
  });
  // `heroku certs:add` with the wildcard certificate, then `heroku domains:add` for both hosts.
  const sni = await api<{ id: string; name: string }>("POST", `/apps/${APP}/sni-endpoints`, {
    certificate_chain: secrets["gyana:tlsCertificate"],
    private_key: secrets["gyana:tlsPrivateKey"],
  });
  const domains: Record<string, { id: string; cname: string | null }> = {};
  for (const hostname of runbook.herokuHosts) {
    domains[hostname] = await api("POST", `/apps/${APP}/domains`, {
      hostname,
      sni_endpoint: sni.id,
    });
  }
  // `heroku domains:add` waits until Heroku has given every new domain its DNS target
  // (heroku/cli src/lib/certs/domains.ts, waitForDomains polls the domain list).
  for (let poll = 0; Object.values(domains).some((d) => !d.cname); poll++) {
    if (poll > 10) throw new Error("the emulator never assigned the DNS targets");
    const listed = await api<{ hostname: string; cname: string | null }[]>(
      "GET",
      `/apps/${APP}/domains`,
    );
    for (const d of listed) {
      if (d.cname && domains[d.hostname]) domains[d.hostname]!.cname = d.cname;
    }
  }
  // GoDaddy's DNS manager: CNAMEs at Heroku DNS targets, TTL 600.
  const zone = godaddy.zones.get("gyana.com")!;
  for (const [host, hostname] of Object.entries(runbook.cnames)) {
    zone.push({ type: "CNAME", name: host, data: domains[hostname]!.cname ?? "", ttl: 600 });
  }
  zone.push({ type: "A", name: "@", data: "192.0.2.10", ttl: 3600 });
  // `heroku pipelines:create gyana -a gyana-beta -s production`.
  const pipeline = await api<{ id: string }>("POST", "/pipelines", { name: "gyana" });
  const coupling = await api<{ id: string }>("POST", "/pipeline-couplings", {
    app: APP,
    pipeline: pipeline.id,
    stage: "production",
  });
  // Honeybadger's Heroku guide: the log drain and the release webhook.
  const key = secrets["gyana:honeybadgerApiKey"]!;
  const drain = await api<{ id: string }>("POST", `/apps/${APP}/log-drains`, {
    url: `https://logplex.honeybadger.io/v1/events?api_key=${key}&env=production`,
  });
  const webhook = await api<{ id: string }>("POST", `/apps/${APP}/webhooks`, {
    include: ["api:release"],
    level: "notify",
    url: `https://api.honeybadger.io/v1/deploys/heroku?environment=production&api_key=${key}`,
  });
  return {
    appId: app.id,
    addonIds: [postgres.id, redis.id].sort(),
    pipelineId: pipeline.id,
    couplingId: coupling.id,
    sniId: sni.id,
    domainIds: Object.fromEntries(Object.entries(domains).map(([h, d]) => [h, d.id])),
    drainId: drain.id,
    webhookId: webhook.id,
    authorizationId: authorization.id,
    token: authorization.access_token.token,
    redisUrl,
    records: zone.map((r) => ({ ...r })),
    sniName: sni.name,
  };
}

describe("adopting everything the runbook made by hand for gyana-beta", () => {
  let emulators: E2eEnvironment;
  let adopted: UpResult;
  let imports: Record<string, unknown>;
  let options: Parameters<typeof up>[2];
  let live: HandMadeProd;

  let firstHerokuWrites: string[];
  let firstGoDaddyWrites: string[];

  beforeAll(async () => {
    emulators = await startE2eEnvironment();
    live = await buildHandMadeProd(emulators, {
      herokuHosts: ["app.gyana.com", "beta.gyana.com"],
      cnames: { app: "app.gyana.com", beta: "beta.gyana.com" },
    });
    const { heroku, godaddy } = emulators;

    imports = {
      herokuApp: APP,
      postgres: "postgresql-curly-12345",
      redis: "redis-flat-67890",
      bucket: IMPORT_IDS.bucket,
      serviceAccount: IMPORT_IDS.serviceAccount,
      domains: ["app.gyana.com", "beta.gyana.com"],
      sniEndpoint: live.sniName,
    };
    options = {
      overrides: { "gyana:imports": JSON.stringify(imports) },
      secrets: { "gyana:secretKey": LIVE_SECRET_KEY, "gyana:hashidsSalt": LIVE_SALT },
    };
    heroku.resetCounts();
    godaddy.requests.length = 0;
    adopted = await up("prod", undefined, options);
    firstHerokuWrites = heroku.requests
      .filter((r) => r.method !== "GET")
      .map((r) => WRITE(r.route, r.status));
    firstGoDaddyWrites = godaddy.writes().map((r) => `${r.method} ${r.path}`);
  });

  afterAll(async () => {
    await emulators.close();
  });

  it("sends only these writes: nothing is created, only what differs is changed", () => {
    // Sorted: the two are independent and run concurrently, in either order.
    expect([...firstHerokuWrites].sort()).toEqual([
      // The stack's new service account key (a key cannot be imported with its private part).
      WRITE("PATCH /apps/{app}/config-vars"),
      // The Redis TLS buildpack joins the runbook's three (docs/redis-tls.md). A buildpack list
      // only matters at the next build, and production gets its slugs by promotion.
      WRITE("PUT /apps/{app}/buildpack-installations"),
    ]);
    expect(firstGoDaddyWrites).toEqual([]);
    expect(emulators.heroku.violations).toEqual([]);
    expect(emulators.godaddy.violations).toEqual([]);
  });

  it("config vars: only GOOGLE_CREDENTIALS changes; the live secrets and REDIS_URL are kept", () => {
    const patch = emulators.heroku.requests.find(
      (r) => r.route === "PATCH /apps/{app}/config-vars",
    );
    expect(Object.keys(patch?.body as object)).toEqual(["GOOGLE_CREDENTIALS"]);
    const vars = emulators.heroku.state.app(APP).configVars;
    expect(vars["SECRET_KEY"]).toBe(LIVE_SECRET_KEY);
    expect(vars["HASHIDS_SALT"]).toBe(LIVE_SALT);
    expect(vars["REDIS_URL"]).toBe(live.redisUrl);
    expect(vars["HEROKU_API_KEY"]).toBe(live.token);
    expect(vars["SOMETHING_BY_HAND"]).toBe("kept");
    expect(adopted.resources.filter((r) => r.type.startsWith("random:"))).toEqual([]);
  });

  it("every hand-made Heroku and GoDaddy resource is the one in state, and no other exists", () => {
    const { state } = emulators.heroku;
    const app = state.app(APP);
    expect([...state.apps.keys()]).toEqual([live.appId]);
    expect([...state.addons.keys()].sort()).toEqual(live.addonIds);
    expect([...state.pipelines.keys()]).toEqual([live.pipelineId]);
    expect([...state.couplings.keys()]).toEqual([live.couplingId]);
    expect([...state.authorizations.keys()]).toEqual([live.authorizationId]);
    expect([...app.sniEndpoints.keys()]).toEqual([live.sniId]);
    expect([...app.logDrains.keys()]).toEqual([live.drainId]);
    expect([...app.webhooks.keys()]).toEqual([live.webhookId]);
    expect(
      [...app.domains.values()].filter((d) => d.kind === "custom").map((d) => [d.hostname, d.id]),
    ).toEqual(Object.entries(live.domainIds));
    expect(emulators.godaddy.zones.get("gyana.com")).toEqual(live.records);

    const idOf = (type: string, name?: string) =>
      Object.values(adopted.state.resources).find(
        (r) =>
          r.type === `pulumi-nodejs:dynamic/${type}` && (name === undefined || r.name === name),
      )?.id;
    expect(idOf("heroku:App")).toBe(live.appId);
    expect(idOf("heroku:Pipeline")).toBe(live.pipelineId);
    expect(idOf("heroku:PipelineCoupling")).toBe(live.couplingId);
    expect(idOf("heroku:SniEndpoint")).toBe(live.sniId);
    expect(idOf("heroku:Domain", "domain-app-gyana-com")).toBe(live.domainIds["app.gyana.com"]);
    expect(idOf("heroku:Domain", "domain-beta-gyana-com")).toBe(live.domainIds["beta.gyana.com"]);
    expect(idOf("heroku:LogDrain")).toBe(live.drainId);
    expect(idOf("heroku:AppWebhook")).toBe(live.webhookId);
    // The live HEROKU_API_KEY's authorization is not the stack's: left alone, never in state.
    expect(idOf("heroku:Authorization")).toBeUndefined();
  });

  it("the GCP bucket and service account are imported by id, not created", () => {
    const registered = (type: string) => adopted.resources.find((r) => r.type === type);
    expect(registered("gcp:storage/bucket:Bucket")?.importId).toBe(IMPORT_IDS.bucket);
    expect(registered("gcp:serviceaccount/account:Account")?.importId).toBe(
      IMPORT_IDS.serviceAccount,
    );
    const step = (type: string) => adopted.steps.find((s) => s.type === type);
    expect(step("gcp:storage/bucket:Bucket")?.op).toBe("import");
    expect(step("gcp:serviceaccount/account:Account")?.op).toBe("import");
    const stateOf = (type: string) =>
      Object.values(adopted.state.resources).find((r) => r.type === type);
    expect(stateOf("gcp:storage/bucket:Bucket")?.id).toBe(IMPORT_IDS.bucket);
    expect(stateOf("gcp:serviceaccount/account:Account")?.id).toBe(IMPORT_IDS.serviceAccount);
  });

  it("the only GCP creates are the idempotent API enablements and IAM grants and the new key", () => {
    const created = adopted.steps
      .filter((s) => s.op === "create" && s.type.startsWith("gcp:"))
      .map((s) => s.type);
    expect([...new Set(created)].sort()).toEqual([
      "gcp:projects/iAMMember:IAMMember",
      "gcp:projects/service:Service",
      "gcp:serviceaccount/key:Key",
      // The public buildpack bucket and its archive: new, not adopted.
      "gcp:storage/bucket:Bucket",
      // The upload bucket's object grant for the app (bucket-level, not project-wide), and the
      // buildpack bucket's public-read grant.
      "gcp:storage/bucketIAMMember:BucketIAMMember",
      "gcp:storage/bucketObject:BucketObject",
    ]);
  });

  it("the next up writes nothing, with the imports still set and with the import ids removed", async () => {
    emulators.heroku.resetCounts();
    emulators.godaddy.requests.length = 0;
    const again = await up("prod", adopted.state, options);
    expect(changes(again)).toEqual([]);
    expect(writesOf(emulators.heroku)).toEqual([]);
    expect(emulators.godaddy.writes()).toEqual([]);

    // The runbook's last step: drop every import id. `postgres` and `redis` stay: they are the
    // add-ons' names, not only ids (see the next test).
    const { postgres, redis } = imports;
    const withoutIds = await up("prod", again.state, {
      overrides: { "gyana:imports": JSON.stringify({ postgres, redis }) },
      secrets: options?.secrets ?? {},
    });
    expect(changes(withoutIds)).toEqual([]);
    expect(writesOf(emulators.heroku)).toEqual([]);
    expect(emulators.godaddy.writes()).toEqual([]);
    expect(emulators.heroku.state.authorizations.get(live.authorizationId)?.token).toBe(live.token);
  });

  it("dropping imports.postgres/redis too would rename the add-ons to the default names", async () => {
    const renamed = await up("prod", adopted.state, { secrets: options?.secrets ?? {} });
    // Both add-ons are renamed in place (an update, no replacement); prod keeps the names.
    expect(changes(renamed)).toEqual(["update app-postgres", "update app-redis"]);
    expect([...emulators.heroku.state.addons.values()].map((a) => a.name).sort()).toEqual([
      "gyana-beta-postgresql",
      "gyana-beta-redis",
    ]);
  });
});

// The runbook's literal custom domain: only app.gyana.com on Heroku and GoDaddy's `beta` pointing
// at its target. Both hosts are listed in imports.domains, as docs/deploying.md's "Adopting production" says.
describe("adopting the runbook's literal setup (beta not on Heroku)", () => {
  let emulators: E2eEnvironment;
  let live: HandMadeProd;
  let adopted: UpResult;
  let herokuWritesOfFirstUp: string[];

  beforeAll(async () => {
    emulators = await startE2eEnvironment();
    live = await buildHandMadeProd(emulators, {
      herokuHosts: ["app.gyana.com"],
      cnames: { beta: "app.gyana.com" },
    });
    emulators.heroku.resetCounts();
    emulators.godaddy.requests.length = 0;
    adopted = await up("prod", undefined, {
      overrides: {
        "gyana:imports": JSON.stringify({
          herokuApp: APP,
          postgres: "postgresql-curly-12345",
          redis: "redis-flat-67890",
          bucket: IMPORT_IDS.bucket,
          serviceAccount: IMPORT_IDS.serviceAccount,
          domains: ["app.gyana.com", "beta.gyana.com"],
          sniEndpoint: live.sniName,
        }),
      },
      secrets: { "gyana:secretKey": LIVE_SECRET_KEY, "gyana:hashidsSalt": LIVE_SALT },
    });
    herokuWritesOfFirstUp = emulators.heroku.requests
      .filter((r) => r.method !== "GET")
      .map((r) => WRITE(r.route, r.status))
      .sort();
  });

  afterAll(async () => {
    await emulators.close();
  });

  it("creates exactly the beta.gyana.com domain, points the CNAMEs at their targets and leaves HEROKU_API_KEY alone", () => {
    expect(herokuWritesOfFirstUp).toEqual([
      WRITE("PATCH /apps/{app}/config-vars"),
      // beta.gyana.com was never a Heroku domain: added, on the adopted SNI endpoint.
      WRITE("POST /apps/{app}/domains", 201),
      // The Redis TLS buildpack added to the list (docs/redis-tls.md).
      WRITE("PUT /apps/{app}/buildpack-installations"),
    ]);
    const patch = emulators.heroku.requests.find(
      (r) => r.route === "PATCH /apps/{app}/config-vars",
    );
    expect(Object.keys(patch?.body as object).sort()).toEqual(["GOOGLE_CREDENTIALS"]);
    const app = emulators.heroku.state.app(APP);
    const beta = [...app.domains.values()].find((d) => d.hostname === "beta.gyana.com")!;
    expect(beta.sniEndpointId).toBe(live.sniId);
    // The live token stays in place and is not revoked; no other is made.
    expect(app.configVars["HEROKU_API_KEY"]).toBe(live.token);
    expect([...emulators.heroku.state.authorizations.keys()]).toEqual([live.authorizationId]);

    // `app` is added, `beta` repointed from app.gyana.com's target to its own: one PUT each.
    expect(
      emulators.godaddy
        .writes()
        .map((r) => `${r.method} ${r.path}`)
        .sort(),
    ).toEqual([
      "PUT /v1/domains/gyana.com/records/CNAME/app",
      "PUT /v1/domains/gyana.com/records/CNAME/beta",
    ]);
    const cnames = Object.fromEntries(
      emulators.godaddy.zones
        .get("gyana.com")!
        .filter((r) => r.type === "CNAME")
        .map((r) => [r.name, r.data]),
    );
    const appDomain = [...app.domains.values()].find((d) => d.hostname === "app.gyana.com")!;
    expect(cnames).toEqual({ app: appDomain.cname, beta: beta.cname });
    expect(app.configVars["SECRET_KEY"]).toBe(LIVE_SECRET_KEY);
    expect(app.configVars["HASHIDS_SALT"]).toBe(LIVE_SALT);
    expect(app.configVars["REDIS_URL"]).toBe(live.redisUrl);
    expect(emulators.heroku.violations).toEqual([]);
    expect(adopted.steps.filter((s) => s.op === "replace" || s.op === "delete")).toEqual([]);
  });
});

// Adoption never changes live production settings, and a refused adoption is not half-applied.
//
// Where the refusal happens, and why nothing is written before it: the emulated engine (like
// Pulumi's) steps every resource as soon as its inputs are known, concurrently, and a failed step
// only stops steps that have not started yet. An Addon cannot refuse early enough by itself: its
// `check`/`diff` see no live state, and its `create` runs after other resources of the app (config
// vars, buildpacks, hooks, a new Authorization that does not even take the app's id) may already
// have written. So the App's create is the takeover's pre-flight: HerokuApp hands it the declared
// add-on plans and formation (`adoptExpect`), it compares them and its own region/stack with the
// live app (GETs only) and refuses before anything is written; and while adopting, every child of
// HerokuApp waits for the App (by its id, or `dependsOn` for the Authorization and Pipeline), and
// CustomDomain takes the App's id, so no Heroku or GoDaddy step starts before the App's create
// returns. The Addon's and Formation's own refusals stay as a second guard.
describe("adopting production whose live settings differ from the stack config", () => {
  let emulators: E2eEnvironment;
  let live: HandMadeProd;
  const secrets = { "gyana:secretKey": LIVE_SECRET_KEY, "gyana:hashidsSalt": LIVE_SALT };

  beforeAll(async () => {
    emulators = await startE2eEnvironment();
    live = await buildHandMadeProd(emulators, {
      herokuHosts: ["app.gyana.com", "beta.gyana.com"],
      cnames: { app: "app.gyana.com", beta: "beta.gyana.com" },
    });
  });

  afterAll(async () => {
    await emulators.close();
  });

  const imports = (liveNames: { postgres: string; redis: string }) => ({
    herokuApp: APP,
    ...liveNames,
    bucket: IMPORT_IDS.bucket,
    serviceAccount: IMPORT_IDS.serviceAccount,
    domains: ["app.gyana.com", "beta.gyana.com"],
    sniEndpoint: live.sniName,
  });

  it("a live database plan and web dynos other than declared: the first up fails, naming live vs declared, and writes NOTHING to Heroku or GoDaddy", async () => {
    const { heroku, godaddy } = emulators;
    // Someone upgraded the database and scaled web by hand after the runbook.
    heroku.state.addon("postgresql-curly-12345").plan = "standard-2";
    Object.assign(heroku.state.app(APP).formation.get("web")!, {
      quantity: 3,
      size: heroku.state.dynoSize("performance-m"),
    });
    const before = JSON.stringify({
      vars: heroku.state.app(APP).configVars,
      records: godaddy.zones.get("gyana.com"),
    });
    heroku.resetCounts();
    godaddy.requests.length = 0;

    const failed = await failedUp(
      up("prod", undefined, {
        overrides: {
          "gyana:imports": JSON.stringify(
            imports({ postgres: "postgresql-curly-12345", redis: "redis-flat-67890" }),
          ),
        },
        secrets,
      }),
    );
    const message = failed.message;
    expect(message).toContain("refusing to adopt Heroku app `gyana-beta`");
    expect(message).toContain(
      "- add-on `postgresql-curly-12345` plan: live `heroku-postgresql:standard-2`, declared `heroku-postgresql:standard-0`",
    );
    expect(message).toMatch(
      /- formation `web`: live `3 × performance-m`, declared `2 × standard-2x`/i,
    );
    expect(message).toContain("Set the config to the live value to adopt as is");
    expect(message).toContain("change it in a later, separate `pulumi up`");

    // Not one write, anywhere: no add-on upgrade, no scale, no config var, no new authorization,
    // no domain, no DNS record. Only GETs reached the Heroku API.
    expect(writesOf(heroku)).toEqual([]);
    expect(godaddy.writes()).toEqual([]);
    expect(heroku.state.addon("postgresql-curly-12345").plan).toBe("standard-2");
    expect(heroku.state.app(APP).formation.get("web")?.quantity).toBe(3);
    expect(heroku.state.authorizations.size).toBe(1);
    expect(
      JSON.stringify({
        vars: heroku.state.app(APP).configVars,
        records: godaddy.zones.get("gyana.com"),
      }),
    ).toBe(before);
    // And no Heroku or GoDaddy resource got into the (checkpointed) state.
    const { state } = failed;
    expect(
      Object.values(state.resources).filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/")),
    ).toEqual([]);
    expect(heroku.violations).toEqual([]);
  });

  it("with the config set to the live values, the same adoption goes through and changes neither", async () => {
    const { heroku, godaddy } = emulators;
    const overrides = await (async () => {
      const { readStackFile } = await import("../../tools/stackFile");
      const file = readStackFile("prod", { secrets: await testSecrets() });
      const h = JSON.parse(file.config["gyana:heroku"]!) as {
        addons: Record<string, string>;
        formation: Record<string, { quantity: number; size: string }>;
      };
      h.addons["postgres"] = "heroku-postgresql:standard-2";
      h.formation["web"] = { quantity: 3, size: "performance-m" };
      return { "gyana:heroku": JSON.stringify(h) };
    })();
    heroku.resetCounts();
    godaddy.requests.length = 0;
    const adopted = await up("prod", undefined, {
      overrides: {
        ...overrides,
        "gyana:imports": JSON.stringify(
          imports({ postgres: "postgresql-curly-12345", redis: "redis-flat-67890" }),
        ),
      },
      secrets,
    });
    expect(adopted.steps.filter((s) => s.op === "replace" || s.op === "delete")).toEqual([]);
    const writes = writesOf(heroku);
    expect(writes).not.toContain("PATCH /apps/{app}/addons/{addon}");
    expect(writes).not.toContain("PATCH /apps/{app}/formation");
    expect(writes).not.toContain("PATCH /apps/{app}");
    expect(heroku.state.addon("postgresql-curly-12345").plan).toBe("standard-2");
    expect(heroku.state.app(APP).formation.get("web")?.quantity).toBe(3);
    expect(heroku.violations).toEqual([]);
  });
});

// gyana:heroku.apiKeyConfigVar on: the stack takes over the live HEROKU_API_KEY's authorization
// (same token, no write). Switched off again, the stack stops managing both and leaves them exactly
// as they are: no null for the config var, no revocation of the token (docs/security.md).
describe("adopting production's HEROKU_API_KEY, then switching the opt-in off", () => {
  let emulators: E2eEnvironment;
  let live: HandMadeProd;
  const secrets = { "gyana:secretKey": LIVE_SECRET_KEY, "gyana:hashidsSalt": LIVE_SALT };

  beforeAll(async () => {
    emulators = await startE2eEnvironment();
    live = await buildHandMadeProd(emulators, {
      herokuHosts: ["app.gyana.com", "beta.gyana.com"],
      cnames: { app: "app.gyana.com", beta: "beta.gyana.com" },
    });
  });

  afterAll(async () => {
    await emulators.close();
  });

  it("takes over the live token with no write, and switched off writes nothing at all", async () => {
    const { heroku, godaddy } = emulators;
    const { readStackFile } = await import("../../tools/stackFile");
    const file = readStackFile("prod", { secrets: await testSecrets() });
    const herokuConfig = (apiKeyConfigVar: boolean) => ({
      "gyana:heroku": JSON.stringify({
        ...(JSON.parse(file.config["gyana:heroku"]!) as object),
        apiKeyConfigVar,
      }),
    });
    const imports = {
      herokuApp: APP,
      postgres: "postgresql-curly-12345",
      redis: "redis-flat-67890",
      bucket: IMPORT_IDS.bucket,
      serviceAccount: IMPORT_IDS.serviceAccount,
      domains: ["app.gyana.com", "beta.gyana.com"],
      sniEndpoint: live.sniName,
    };
    const on = await up("prod", undefined, {
      overrides: {
        ...herokuConfig(true),
        "gyana:imports": JSON.stringify({
          ...imports,
          herokuApiKeyAuthorization: live.authorizationId,
        }),
      },
      secrets,
    });
    const authorization = Object.values(on.state.resources).find(
      (r) => r.type === "pulumi-nodejs:dynamic/heroku:Authorization",
    );
    expect(authorization?.id).toBe(live.authorizationId);
    expect(heroku.state.app(APP).configVars["HEROKU_API_KEY"]).toBe(live.token);

    heroku.resetCounts();
    godaddy.requests.length = 0;
    const off = await up("prod", on.state, {
      overrides: { ...herokuConfig(false), "gyana:imports": JSON.stringify(imports) },
      secrets,
    });
    // The authorization leaves the state without a delete; the config vars record that
    // HEROKU_API_KEY is no longer theirs, without a write.
    expect(changes(off)).toEqual(["retain app-api-key", "update app-config"]);
    expect(writesOf(heroku)).toEqual([]);
    expect(godaddy.writes()).toEqual([]);
    expect(heroku.state.app(APP).configVars["HEROKU_API_KEY"]).toBe(live.token);
    expect(heroku.state.authorizations.get(live.authorizationId)?.token).toBe(live.token);
    expect(heroku.violations).toEqual([]);

    // And the next up has nothing left to do.
    heroku.resetCounts();
    const again = await up("prod", off.state, {
      overrides: { ...herokuConfig(false), "gyana:imports": JSON.stringify(imports) },
      secrets,
    });
    expect(changes(again)).toEqual([]);
    expect(writesOf(heroku)).toEqual([]);
  });
});
