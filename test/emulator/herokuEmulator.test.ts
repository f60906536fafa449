// The Heroku emulator itself: it must hold clients to the published schema and behave like
// Heroku where the provider tests depend on it (pagination, provisioning, faults, releases).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { generate } from "selfsigned";
import { startHerokuEmulator, type HerokuEmulator } from "./heroku";

const ACCEPT = "application/vnd.heroku+json; version=3";

interface Answer {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

function client(emu: HerokuEmulator) {
  return async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer> => {
    const res = await fetch(emu.url + path, {
      method,
      headers: {
        Accept: ACCEPT,
        Authorization: `Bearer ${emu.token}`,
        "Content-Type": "application/json",
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  };
}

let emu: HerokuEmulator;
let call: ReturnType<typeof client>;

async function start(options: Parameters<typeof startHerokuEmulator>[0] = {}): Promise<void> {
  emu = await startHerokuEmulator(options);
  call = client(emu);
}

afterEach(async () => {
  await emu.close();
});

describe("schema checks", () => {
  beforeEach(() => start());

  it("rejects a config var whose value is a number with 422 and records the violation", async () => {
    emu.state.createApp({ name: "gyana-dev" });
    const res = await call("PATCH", "/apps/gyana-dev/config-vars", { DEBUG: 1 });
    expect(res.status).toBe(422);
    expect(res.body.id).toBe("invalid_params");
    expect(emu.violations).toHaveLength(1);
    expect(emu.violations[0]).toMatch(/^PATCH \/apps\/\{app\}\/config-vars request: .*\/DEBUG/);
    expect(emu.state.app("gyana-dev").configVars).toEqual({});
  });

  it("rejects a webhook with a property the schema does not allow", async () => {
    emu.state.createApp({ name: "gyana-dev" });
    const res = await call("POST", "/apps/gyana-dev/webhooks", {
      include: ["api:release"],
      level: "notify",
      url: "https://api.honeybadger.io/v1/deploys/heroku",
      secret_token: "x",
    });
    expect(res.status).toBe(422);
    expect(emu.violations[0]).toContain("secret_token");
  });

  it("refuses webhook entities Heroku does not publish, without a schema violation", async () => {
    emu.state.createApp({ name: "gyana-dev" });
    const res = await call("POST", "/apps/gyana-dev/webhooks", {
      include: ["api:release", "api:deploy"],
      level: "notify",
      url: "https://api.honeybadger.io/v1/deploys/heroku",
    });
    expect(res.status).toBe(422);
    expect(res.body.message).toContain("api:deploy");
    expect(emu.violations).toEqual([]);
  });

  it("answers an unknown route with not_found and records it", async () => {
    const res = await call("GET", "/apps/gyana-dev/not-a-thing");
    expect(res.status).toBe(404);
    expect(res.body.id).toBe("not_found");
    expect(emu.violations).toEqual(["unknown route: GET /apps/gyana-dev/not-a-thing"]);
  });

  it("answers a missing record with Heroku's 404 body", async () => {
    const res = await call("GET", "/apps/nope-nope");
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ id: "not_found", message: "Couldn't find that app." });
    expect(emu.violations).toEqual([]);
  });

  it("requires the version 3 Accept header and the bearer token", async () => {
    const noAccept = await call("GET", "/apps", undefined, { Accept: "application/json" });
    expect(noAccept.status).toBe(406);
    expect(noAccept.body.id).toBe("not_acceptable");
    const badToken = await call("GET", "/apps", undefined, { Authorization: "Bearer wrong" });
    expect(badToken.status).toBe(401);
    expect(badToken.body.id).toBe("unauthorized");
    expect(badToken.headers.get("request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(badToken.headers.get("ratelimit-remaining")).toMatch(/^\d+$/);
  });

  it("serves every area with responses that match the schema", async () => {
    const pems = await generate([{ name: "commonName", value: "app.gyana.com" }], {
      keySize: 1024,
      extensions: [{ name: "subjectAltName", altNames: [{ type: 2, value: "app.gyana.com" }] }],
    });
    const app = (await call("POST", "/apps", { name: "gyana-beta", region: "eu" })).body;
    expect(app.web_url).toMatch(/^https:\/\/gyana-beta-[0-9a-f]+\.herokuapp\.com\/$/);
    expect((await call("POST", "/apps", { name: "gyana-beta" })).body).toEqual({
      id: "invalid_params",
      message: "Name is already taken",
    });
    await call("POST", "/teams/apps", { name: "gyana-team", team: "gyana", region: "eu" });
    await call("PATCH", "/apps/gyana-beta", { maintenance: true, build_stack: "heroku-24" });
    const sni = await call("POST", "/apps/gyana-beta/sni-endpoints", {
      certificate_chain: pems.cert,
      private_key: pems.private,
    });
    expect(sni.status).toBe(201);
    expect(sni.body.ssl_cert.cert_domains).toEqual(["app.gyana.com"]);
    expect(sni.body.ssl_cert["self_signed?"]).toBe(true);
    expect(sni.body).not.toHaveProperty("private_key");
    const domain = await call("POST", "/apps/gyana-beta/domains", {
      hostname: "app.gyana.com",
      sni_endpoint: sni.body.name,
    });
    // The DNS target is not known at first (schema: null-or-string; heroku/cli waitForDomains).
    expect(domain.body.cname).toBeNull();
    expect(domain.body.status).toBe("pending");
    const pending = await call("GET", "/apps/gyana-beta/domains/app.gyana.com");
    expect(pending.body.cname).toBeNull();
    const assigned = await call("GET", "/apps/gyana-beta/domains");
    expect(
      assigned.body.find((d: { hostname: string }) => d.hostname === "app.gyana.com").cname,
    ).toMatch(/^[a-z]+-[a-z]+-[0-9a-f]+\.herokudns\.com$/);
    expect(
      (await call("GET", `/apps/gyana-beta/sni-endpoints/${sni.body.id}`)).body.domains,
    ).toEqual([domain.body.id]);
    await call("PATCH", "/apps/gyana-beta/domains/app.gyana.com", { sni_endpoint: null });
    const kinds = (await call("GET", "/apps/gyana-beta/domains")).body.map(
      (d: { kind: string }) => d.kind,
    );
    expect(kinds.sort()).toEqual(["custom", "heroku"]);
    const drain = await call("POST", "/apps/gyana-beta/log-drains", {
      url: "syslog+tls://logs.honeybadger.io:6514",
    });
    expect(drain.body.token).toMatch(/^d\.[0-9a-f-]{36}$/);
    expect((await call("GET", `/apps/gyana-beta/log-drains/${drain.body.token}`)).status).toBe(200);
    const hook = await call("POST", "/apps/gyana-beta/webhooks", {
      include: ["api:release"],
      level: "notify",
      url: "https://api.honeybadger.io/v1/deploys/heroku",
      secret: "s3cret",
    });
    expect(hook.body).not.toHaveProperty("secret");
    await call("PATCH", `/apps/gyana-beta/webhooks/${hook.body.id}`, { level: "sync" });
    const auth = await call("POST", "/oauth/authorizations", {
      scope: ["global"],
      description: "CI",
    });
    expect(auth.body.access_token.token).toMatch(/^HRKU-/);
    const regenerated = await call(
      "POST",
      `/oauth/authorizations/${auth.body.id}/actions/regenerate-tokens`,
    );
    expect(regenerated.body.access_token.token).not.toBe(auth.body.access_token.token);
    await call("GET", "/oauth/authorizations");
    const pipeline = await call("POST", "/pipelines", { name: "gyana" });
    await call("GET", "/pipelines/gyana");
    const coupling = await call("POST", "/pipeline-couplings", {
      app: "gyana-beta",
      pipeline: pipeline.body.id,
      stage: "production",
    });
    expect((await call("GET", "/apps/gyana-beta/pipeline-couplings")).body.id).toBe(
      coupling.body.id,
    );
    await call("PATCH", `/pipeline-couplings/${coupling.body.id}`, { stage: "staging" });
    await call("GET", `/pipelines/${pipeline.body.id}/pipeline-couplings`);
    await call("GET", "/apps/gyana-beta/releases");
    await call("GET", "/apps/gyana-beta/buildpack-installations");
    await call("GET", "/account/rate-limits");
    await call("DELETE", `/apps/gyana-beta/webhooks/${hook.body.id}`);
    await call("DELETE", `/apps/gyana-beta/log-drains/${drain.body.id}`);
    await call("DELETE", "/apps/gyana-beta/domains/app.gyana.com");
    await call("DELETE", `/apps/gyana-beta/sni-endpoints/${sni.body.id}`);
    await call("DELETE", `/pipeline-couplings/${coupling.body.id}`);
    await call("DELETE", `/pipelines/${pipeline.body.id}`);
    await call("DELETE", `/oauth/authorizations/${auth.body.id}`);
    const deleted = await call("DELETE", "/apps/gyana-beta");
    expect(deleted.status).toBe(200);
    expect((await call("GET", "/apps/gyana-beta")).status).toBe(404);
    expect(emu.violations).toEqual([]);
  });
});

describe("lists", () => {
  beforeEach(() => start({ pageSize: 2 }));

  it("pages with 206 and Next-Range until the last page", async () => {
    for (const name of ["gyana-a", "gyana-b", "gyana-c", "gyana-d", "gyana-e"]) {
      emu.state.createApp({ name });
    }
    const names: string[] = [];
    let range: string | undefined;
    const statuses: number[] = [];
    for (;;) {
      const res = await call("GET", "/apps", undefined, range ? { Range: range } : {});
      statuses.push(res.status);
      names.push(...res.body.map((a: { name: string }) => a.name));
      range = res.headers.get("next-range") ?? undefined;
      if (!range) break;
      expect(range).toMatch(/^id \][0-9a-f-]{36}\.\.; max=2$/);
    }
    expect(statuses).toEqual([206, 206, 200]);
    expect(names).toEqual(["gyana-a", "gyana-b", "gyana-c", "gyana-d", "gyana-e"]);
    expect(emu.counts()["GET /apps"]).toBe(3);
    expect(emu.writes()).toBe(0);
  });
});

describe("releases list", () => {
  beforeEach(() => start({ pageSize: 2 }));

  it("pages newest first with `version ..; order=desc`, as the Heroku CLI asks", async () => {
    const app = emu.state.createApp({ name: "gyana-beta" });
    for (let i = 0; i < 4; i++) emu.state.deploy(app, { processTypes: { web: "gunicorn" } });
    const versions: number[] = [];
    let range: string | null = "version ..; order=desc, max=2";
    while (range) {
      const res = await call("GET", "/apps/gyana-beta/releases", undefined, { Range: range });
      versions.push(...res.body.map((r: { version: number }) => r.version));
      range = res.headers.get("next-range");
    }
    expect(versions).toEqual([5, 4, 3, 2, 1]);
    expect(emu.violations).toEqual([]);
  });
});

describe("buildpacks", () => {
  beforeEach(() => start({ pageSize: 2 }));

  it("replaces the ordered list and pages it by ordinal even when asked for id ranges", async () => {
    emu.state.createApp({ name: "gyana-dev" });
    const put = await call("PUT", "/apps/gyana-dev/buildpack-installations", {
      updates: [
        { buildpack: "heroku/nodejs" },
        { buildpack: "heroku/python" },
        { buildpack: "https://github.com/heroku/heroku-buildpack-apt" },
      ],
    });
    expect(put.body.map((b: { ordinal: number }) => b.ordinal)).toEqual([0, 1, 2]);
    expect(put.body[1].buildpack.name).toBe("heroku/python");
    const first = await call("GET", "/apps/gyana-dev/buildpack-installations", undefined, {
      Range: "id ..; max=2;",
    });
    expect(first.status).toBe(206);
    const rest = await call("GET", "/apps/gyana-dev/buildpack-installations", undefined, {
      Range: first.headers.get("next-range")!,
    });
    expect(rest.body).toEqual([
      {
        ordinal: 2,
        buildpack: {
          url: "https://github.com/heroku/heroku-buildpack-apt",
          name: "https://github.com/heroku/heroku-buildpack-apt",
        },
      },
    ]);
    expect(emu.violations).toEqual([]);
  });
});

describe("add-ons", () => {
  beforeEach(() => start({ addonProvisioningPolls: 2 }));

  it("refuses writes to an attachment's config vars, set or unset, and changes nothing", async () => {
    const app = emu.state.createApp({ name: "gyana-att" });
    emu.state.createAddon(app, { plan: "heroku-postgresql:essential-0", provisioned: true });
    const before = { ...app.configVars };
    const colour = Object.keys(before).find((k) => k.startsWith("HEROKU_POSTGRESQL_"))!;
    const set = await call("PATCH", "/apps/gyana-att/config-vars", {
      DATABASE_URL: "postgres://elsewhere",
      [colour]: null,
      OTHER: "x",
    });
    expect([set.status, set.body]).toEqual([
      422,
      {
        id: "invalid_params",
        message: `Cannot overwrite attachment values DATABASE_URL, ${colour}.`,
      },
    ]);
    expect(app.configVars).toEqual(before);
    expect((await call("PATCH", "/apps/gyana-att/config-vars", { OTHER: "x" })).status).toBe(200);
  });

  it("Postgres plan changes: Essential cannot leave its tier; Standard prepares and switches over later", async () => {
    const app = emu.state.createApp({ name: "gyana-plans" });
    const essential = emu.state.createAddon(app, {
      plan: "heroku-postgresql:essential-0",
      name: "pg-essential",
      provisioned: true,
    });
    const refused = await call("PATCH", "/apps/gyana-plans/addons/pg-essential", {
      plan: "heroku-postgresql:standard-0",
    });
    expect(refused.status).toBe(422);
    expect(refused.body.message).toMatch(/Use pg:copy/);
    expect(essential.plan).toBe("essential-0");
    expect(
      (
        await call("PATCH", "/apps/gyana-plans/addons/pg-essential", {
          plan: "heroku-postgresql:essential-1",
        })
      ).status,
    ).toBe(200);
    // Within the tier too, the replacement is prepared and takes over later.
    expect(essential.pendingChangeover).toEqual({ from: "essential-0", to: "essential-1" });
    emu.state.deleteAddon(essential);

    const standard = emu.state.createAddon(app, {
      plan: "heroku-postgresql:standard-0",
      name: "pg-standard",
      provisioned: true,
    });
    const url = app.configVars["DATABASE_URL"];
    const changed = await call("PATCH", "/apps/gyana-plans/addons/pg-standard", {
      plan: "heroku-postgresql:standard-2",
    });
    expect([changed.status, changed.body.plan.name]).toEqual([200, "heroku-postgresql:standard-2"]);
    expect(app.configVars["DATABASE_URL"]).toBe(url);
    expect(standard.pendingChangeover).toEqual({ from: "standard-0", to: "standard-2" });
    emu.state.changeOver(standard);
    expect(app.configVars["DATABASE_URL"]).not.toBe(url);
    expect(standard.pendingChangeover).toBeUndefined();
    expect(emu.violations).toEqual([]);
  });

  it("refuses an add-on create on an app while another one for that app is being answered", async () => {
    await emu.close();
    await start({ addonCreateLatencyMs: 200 });
    emu.state.createApp({ name: "gyana-pair" });
    emu.state.createApp({ name: "gyana-other" });
    const [first, second, elsewhere] = await Promise.all([
      call("POST", "/apps/gyana-pair/addons", { plan: "heroku-postgresql:essential-0" }),
      call("POST", "/apps/gyana-pair/addons", { plan: "heroku-redis:mini" }),
      call("POST", "/apps/gyana-other/addons", { plan: "heroku-redis:mini" }),
    ]);
    // Which of the two arrives first is up to the network; the other one is refused.
    const [refused] = [first, second].filter((r) => r.status !== 201);
    expect([first.status, second.status].sort()).toEqual([201, 422]);
    expect(refused!.body).toEqual({
      id: "invalid_params",
      message:
        "Another add-on is being added to gyana-pair; try again when that request has finished.",
    });
    expect(elsewhere.status).toBe(201);
    expect(emu.state.addonsOf(emu.state.app("gyana-pair"))).toHaveLength(1);
    // Once the first has been answered, the next one is accepted.
    const after = await call("POST", "/apps/gyana-pair/addons", { plan: "heroku-redis:mini" });
    expect(after.status).toBe(201);
    expect(emu.violations).toEqual([]);
  });

  it("answers provisioning for two polls, then sets REDIS_URL to a rediss:// URL", async () => {
    emu.state.createApp({ name: "gyana-dev" });
    const created = await call("POST", "/apps/gyana-dev/addons", { plan: "heroku-redis:mini" });
    expect(created.status).toBe(201);
    expect(created.body.state).toBe("provisioning");
    expect(created.body.config_vars).toEqual([]);
    const states: string[] = [];
    for (let i = 0; i < 3; i++) {
      states.push((await call("GET", `/apps/gyana-dev/addons/${created.body.id}`)).body.state);
    }
    expect(states).toEqual(["provisioning", "provisioning", "provisioned"]);
    const info = await call("GET", `/addons/${created.body.name}`);
    expect(info.body.config_vars).toEqual(["REDIS_URL"]);
    const vars = (await call("GET", "/apps/gyana-dev/config-vars")).body;
    expect(vars.REDIS_URL).toMatch(/^rediss:\/\/:[^@]+@[^:]+:\d+$/);
    const descriptions = emu.state.app("gyana-dev").releases.map((r) => r.description);
    expect(descriptions).toContain(`Attach REDIS (@ref:${created.body.name})`);
    expect(emu.violations).toEqual([]);
  });

  it("names Postgres vars DATABASE_URL and a colour alias, and removes them on delete", async () => {
    emu.state.createApp({ name: "gyana-dev" });
    const pg = emu.state.createAddon("gyana-dev", {
      plan: "heroku-postgresql:essential-0",
      provisioned: true,
    });
    expect(pg.configVarNames).toEqual(["DATABASE_URL", "HEROKU_POSTGRESQL_AMBER_URL"]);
    expect(emu.state.app("gyana-dev").configVars.DATABASE_URL).toMatch(/^postgres:\/\//);
    const taken = await call("POST", "/apps/gyana-dev/addons", {
      plan: "heroku-postgresql:essential-0",
      name: pg.name,
    });
    expect(taken.status).toBe(422);
    await call("DELETE", `/apps/gyana-dev/addons/${pg.id}`);
    expect(emu.state.app("gyana-dev").configVars).toEqual({});
  });

  it("rotates an add-on URL without the suffix a client appended", () => {
    emu.state.createApp({ name: "gyana-dev" });
    emu.state.createAddon("gyana-dev", { plan: "heroku-redis:mini", provisioned: true });
    const before = emu.state.app("gyana-dev").configVars.REDIS_URL!;
    emu.state.setConfigVars("gyana-dev", { REDIS_URL: `${before}?ssl_cert_reqs=none` });
    const rotated = emu.state.rotateAddonUrl("gyana-dev", "REDIS_URL");
    expect(rotated).not.toContain("ssl_cert_reqs");
    expect(emu.state.app("gyana-dev").configVars.REDIS_URL).toBe(rotated);
  });
});

describe("add-on timing and app deletion", () => {
  it("provisions after a wall-clock delay when started with addonProvisioningDelayMs", async () => {
    await start({ addonProvisioningDelayMs: 100 });
    emu.state.createApp({ name: "gyana-dev" });
    const created = await call("POST", "/apps/gyana-dev/addons", { plan: "heroku-redis:mini" });
    expect((await call("GET", `/addons/${created.body.id}`)).body.state).toBe("provisioning");
    await new Promise((r) => setTimeout(r, 120));
    expect((await call("GET", "/apps/gyana-dev/config-vars")).body.REDIS_URL).toMatch(/^rediss:/);
  });

  it("deletes an app's add-ons, domains and coupling with the app", async () => {
    await start();
    const app = emu.state.createApp({ name: "gyana-dev" });
    const addon = emu.state.createAddon(app, { plan: "heroku-redis:mini", provisioned: true });
    emu.state.createDomain(app, "dev.gyana.com", null);
    const pipeline = (await call("POST", "/pipelines", { name: "gyana" })).body;
    const coupling = (
      await call("POST", "/pipeline-couplings", {
        app: app.id,
        pipeline: pipeline.id,
        stage: "development",
      })
    ).body;
    await call("DELETE", "/apps/gyana-dev");
    expect((await call("GET", `/addons/${addon.name}`)).body).toEqual({
      id: "not_found",
      message: "Couldn't find that add on.",
    });
    expect((await call("GET", `/pipeline-couplings/${coupling.id}`)).status).toBe(404);
    expect((await call("POST", "/apps", { name: "gyana-other" })).status).toBe(201);
    expect(
      (
        await call("POST", "/apps/gyana-other/domains", {
          hostname: "dev.gyana.com",
          sni_endpoint: null,
        })
      ).status,
    ).toBe(201);
    expect(emu.violations).toEqual([]);
  });
});

describe("formation and domains", () => {
  beforeEach(() => start());

  it("refuses to scale a process type until a release defines it", async () => {
    emu.state.createApp({ name: "gyana-dev" });
    const before = await call("PATCH", "/apps/gyana-dev/formation", {
      updates: [{ type: "worker", quantity: 1, dyno_size: { name: "standard-1X" } }],
    });
    expect(before.status).toBe(422);
    expect(before.body.message).toBe("Couldn't find that process type (worker).");
    emu.state.deploy("gyana-dev", { processTypes: { web: "gunicorn", worker: "celery worker" } });
    // The deploy started web on one Basic dyno: moving to standard means moving web too.
    const after = await call("PATCH", "/apps/gyana-dev/formation", {
      updates: [
        { type: "worker", quantity: 1, dyno_size: { name: "standard-1X" } },
        { type: "web", quantity: 1, dyno_size: { name: "standard-1X" } },
      ],
    });
    expect(after.status).toBe(200);
    expect(after.body[0]).toMatchObject({ type: "worker", quantity: 1, size: "standard-1X" });
    expect(emu.violations).toEqual([]);
  });

  it("refuses what the dyno tiers do not allow, checking the formation a batch leaves, and changes nothing", async () => {
    emu.state.createApp({ name: "gyana-tiers" });
    emu.state.deploy("gyana-tiers", {
      processTypes: { web: "gunicorn", worker: "celery worker", beat: "celery beat" },
    });
    const patch = (updates: object[]) => call("PATCH", "/apps/gyana-tiers/formation", { updates });
    // web runs on one Basic dyno since the deploy.
    const mixed = await patch([
      { type: "worker", quantity: 1, dyno_size: { name: "standard-1X" } },
    ]);
    expect([mixed.status, mixed.body.message]).toEqual([
      422,
      "Cannot use the following dyno types in the same app: Basic and Standard-1X",
    ]);
    const single = await call("PATCH", "/apps/gyana-tiers/formation/worker", {
      quantity: 1,
      dyno_size: { name: "standard-1X" },
    });
    expect(single.status).toBe(422);
    expect((await patch([{ type: "web", quantity: 2 }])).status).toBe(422);
    const eco = await patch([
      { type: "web", quantity: 1, dyno_size: { name: "eco" } },
      { type: "worker", quantity: 1, dyno_size: { name: "eco" } },
      { type: "beat", quantity: 1, dyno_size: { name: "eco" } },
    ]);
    expect([eco.status, eco.body.message]).toEqual([
      422,
      "Cannot run more than 2 Eco dynos in an app.",
    ]);
    expect(
      (await patch([{ type: "web", quantity: 11, dyno_size: { name: "performance-M" } }])).status,
    ).toBe(422);
    const app = emu.state.app("gyana-tiers");
    expect([...app.formation.values()].map((f) => [f.type, f.quantity, f.size.name])).toEqual([
      ["web", 1, "basic"],
      ["worker", 0, "basic"],
      ["beat", 0, "basic"],
    ]);
    // The same move as one batch is fine: what counts is the formation the request leaves.
    const moved = await patch([
      { type: "web", quantity: 2, dyno_size: { name: "standard-2X" } },
      { type: "worker", quantity: 1, dyno_size: { name: "standard-1X" } },
    ]);
    expect(moved.status).toBe(200);
    expect(emu.violations).toEqual([]);
  });

  it("requires sni_endpoint on domain create, as Heroku has since 2021", async () => {
    emu.state.createApp({ name: "gyana-beta" });
    const missing = await call("POST", "/apps/gyana-beta/domains", { hostname: "app.gyana.com" });
    expect(missing.status).toBe(422);
    expect(emu.violations).toHaveLength(1);
    const ok = await call("POST", "/apps/gyana-beta/domains", {
      hostname: "app.gyana.com",
      sni_endpoint: null,
    });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ kind: "custom", status: "pending", sni_endpoint: null });
  });
});

describe("pipelines", () => {
  beforeEach(() => start());

  it("creates a second pipeline of a taken name, finds both with eq[name], and refuses the ambiguous name", async () => {
    const first = await call("POST", "/pipelines", { name: "gyana" });
    const second = await call("POST", "/pipelines", { name: "gyana" });
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.body.id).not.toBe(first.body.id);
    await call("POST", "/pipelines", { name: "other" });
    // The CLI's Accept variant for the name filter is the same API version.
    const named = await call("GET", "/pipelines?eq[name]=gyana", undefined, {
      Accept: `${ACCEPT}.pipelines`,
    });
    expect(named.status).toBe(200);
    expect(named.body.map((p: { id: string }) => p.id).sort()).toEqual(
      [first.body.id, second.body.id].sort(),
    );
    const byName = await call("GET", "/pipelines/gyana");
    expect(byName.status).toBe(422);
    expect(byName.body.id).toBe("multiple_matches");
    expect((await call("GET", `/pipelines/${first.body.id}`)).status).toBe(200);
    expect(emu.violations).toEqual([]);
  });
});

describe("faults", () => {
  beforeEach(() => start());

  it("injects 429 with Retry-After, then 503, then answers normally", async () => {
    emu.faults.inject({ path: "/apps", status: 429, retryAfter: 3 });
    emu.faults.inject({ method: "GET", path: "/apps", status: 503 });
    const limited = await call("GET", "/apps");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("3");
    expect(limited.body.id).toBe("rate_limit");
    expect((await call("GET", "/apps")).status).toBe(503);
    expect((await call("GET", "/apps")).status).toBe(200);
    expect(emu.requests.map((r) => r.status)).toEqual([429, 503, 200]);
  });

  it("matches faults by route template and applies them `times` times", async () => {
    emu.state.createApp({ name: "gyana-dev" });
    emu.faults.inject({ path: "/apps/{app}/config-vars", status: 500, times: 2 });
    expect((await call("GET", "/apps/gyana-dev/config-vars")).status).toBe(500);
    expect((await call("GET", "/apps/gyana-dev/config-vars")).status).toBe(500);
    expect((await call("GET", "/apps/gyana-dev/config-vars")).status).toBe(200);
  });

  it("delays a 2xx fault without a body and then answers normally", async () => {
    emu.state.createApp({ name: "gyana-dev" });
    emu.faults.inject({ path: "/apps/gyana-dev", status: 200, delayMs: 50 });
    const res = await call("GET", "/apps/gyana-dev");
    expect(res.body.name).toBe("gyana-dev");
  });

  it("drops the connection without an answer", async () => {
    emu.faults.inject({ path: /^\/apps/, drop: true });
    await expect(call("GET", "/apps")).rejects.toThrow();
    expect(emu.requests[0]?.status).toBe(0);
  });

  it("delays a response", async () => {
    emu.faults.inject({ path: "/apps", delayMs: 150 });
    const t0 = Date.now();
    expect((await call("GET", "/apps")).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
  });

  it("answers 429 rate_limit when the token bucket is empty", async () => {
    await emu.close();
    await start({ rateLimit: 2 });
    expect((await call("GET", "/apps")).headers.get("ratelimit-remaining")).toBe("1");
    expect((await call("GET", "/apps")).status).toBe(200);
    const limited = await call("GET", "/apps");
    expect(limited.status).toBe(429);
    expect(limited.body.id).toBe("rate_limit");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});

describe("releases, dynos and promotions", () => {
  beforeEach(() => start());

  it("rolls back by creating a new release with the target's slug and config", async () => {
    const app = emu.state.createApp({ name: "gyana-beta" });
    emu.state.setClock(new Date("2026-11-20T10:00:00Z"), 1000);
    const v2 = emu.state.deploy(app, { processTypes: { web: "gunicorn" } });
    emu.state.setConfigVars(app, { FEATURE: "on" });
    emu.state.deploy(app, { processTypes: { web: "gunicorn --new" } });
    const rollback = await call("POST", "/apps/gyana-beta/releases", { release: v2.id });
    expect(rollback.status).toBe(201);
    expect(rollback.body).toMatchObject({
      version: 5,
      description: `Rollback to v${v2.version}`,
      slug: { id: v2.slug!.id },
      status: "pending",
      current: false,
    });
    const polled = [];
    for (let i = 0; i < 2; i++) {
      polled.push((await call("GET", `/apps/gyana-beta/releases/${rollback.body.id}`)).body);
    }
    expect(polled.map((r) => r.status)).toEqual(["pending", "succeeded"]);
    expect(polled[1].current).toBe(true);
    expect(emu.state.app("gyana-beta").configVars).toEqual({});
    const list = (await call("GET", "/apps/gyana-beta/releases")).body;
    expect(list.map((r: { version: number }) => r.version)).toEqual([1, 2, 3, 4, 5]);
    expect(list[1].created_at).toBe("2026-11-20T10:00:00Z");
    expect(emu.violations).toEqual([]);
  });

  it("releases a slug; one with a release phase stays pending for a poll", async () => {
    const app = emu.state.createApp({ name: "gyana-beta" });
    const first = emu.state.deploy(app, {
      processTypes: { web: "gunicorn", release: "python manage.py migrate" },
    });
    expect([...app.formation.keys()]).toEqual(["web"]);
    const slug = await call("GET", `/apps/gyana-beta/slugs/${first.slug!.id}`);
    expect(slug.body.process_types).toEqual({
      web: "gunicorn",
      release: "python manage.py migrate",
    });
    const created = await call("POST", "/apps/gyana-beta/releases", {
      slug: first.slug!.id,
      description: "Re-release",
    });
    expect(created.body).toMatchObject({
      version: 3,
      status: "pending",
      description: "Re-release",
    });
    expect((await call("GET", "/apps/gyana-beta/releases/3")).body.status).toBe("pending");
    expect((await call("GET", "/apps/gyana-beta/releases/3")).body.status).toBe("succeeded");
    expect(emu.violations).toEqual([]);
  });

  it("runs a scripted one-off dyno and serves its log lines", async () => {
    const app = emu.state.createApp({ name: "gyana-beta" });
    emu.state.deploy(app, { processTypes: { web: "gunicorn" } });
    emu.state.setClock(new Date("2026-11-25T10:00:00Z"));
    emu.state.onDyno = (command) => ({
      exitCode: command.includes("migrate") ? 1 : 0,
      output: ["Operations to perform:", "django.db.utils.OperationalError: boom"],
      polls: 2,
    });
    const dyno = await call("POST", "/apps/gyana-beta/dynos", {
      command: "python manage.py migrate",
      attach: false,
      type: "run",
      size: "standard-1X",
      time_to_live: 1800,
    });
    expect(dyno.body).toMatchObject({
      state: "starting",
      name: expect.stringMatching(/^run\.\d{4}$/),
    });
    const states = [];
    for (let i = 0; i < 3; i++) {
      states.push((await call("GET", `/apps/gyana-beta/dynos/${dyno.body.name}`)).status);
    }
    expect(states).toEqual([200, 200, 404]);
    const session = await call("POST", "/apps/gyana-beta/log-sessions", {
      dyno_name: dyno.body.name,
      tail: false,
    });
    expect(session.body.logplex_url).toBe(`${emu.url}/logplex/${session.body.id}`);
    const text = await (await fetch(session.body.logplex_url)).text();
    const n = dyno.body.name;
    expect(text.split("\n")).toEqual([
      `2026-11-25T10:00:00.000000+00:00 heroku[${n}]: Starting process with command \`python manage.py migrate\``,
      `2026-11-25T10:00:00.000000+00:00 heroku[${n}]: State changed from starting to up`,
      `2026-11-25T10:00:00.000000+00:00 app[${n}]: Operations to perform:`,
      `2026-11-25T10:00:00.000000+00:00 app[${n}]: django.db.utils.OperationalError: boom`,
      `2026-11-25T10:00:00.000000+00:00 heroku[${n}]: Process exited with status 1`,
      `2026-11-25T10:00:00.000000+00:00 heroku[${n}]: State changed from up to complete`,
      "",
    ]);
    expect(emu.violations).toEqual([]);
  });

  it("filters a log session by source and keeps the last `lines` lines", async () => {
    const app = emu.state.createApp({ name: "gyana-beta" });
    emu.state.deploy(app, { processTypes: { web: "gunicorn" } });
    emu.state.onDyno = () => ({ exitCode: 3, output: ["a", "b"], polls: 0 });
    const dyno = await call("POST", "/apps/gyana-beta/dynos", { command: "false" });
    expect((await call("GET", `/apps/gyana-beta/dynos/${dyno.body.id}`)).status).toBe(404);
    const session = await call("POST", "/apps/gyana-beta/log-sessions", {
      dyno_name: dyno.body.name,
      source: "heroku",
      lines: 2,
    });
    const text = await (await fetch(session.body.logplex_url)).text();
    expect(
      text
        .trim()
        .split("\n")
        .map((l) => l.replace(/^\S+ /, "")),
    ).toEqual([
      `heroku[${dyno.body.name}]: Process exited with status 3`,
      `heroku[${dyno.body.name}]: State changed from up to complete`,
    ]);
  });

  it("accepts the token of an OAuth authorization it issued", async () => {
    const auth = await call("POST", "/oauth/authorizations", { scope: ["global"] });
    const res = await call("GET", "/apps", undefined, {
      Authorization: `Bearer ${auth.body.access_token.token}`,
    });
    expect(res.status).toBe(200);
    await call("DELETE", `/oauth/authorizations/${auth.body.id}`);
    const revoked = await call("GET", "/apps", undefined, {
      Authorization: `Bearer ${auth.body.access_token.token}`,
    });
    expect(revoked.status).toBe(401);
  });

  it("tails a running dyno's log until it exits", async () => {
    const app = emu.state.createApp({ name: "gyana-beta" });
    emu.state.deploy(app, { processTypes: { web: "gunicorn" } });
    emu.state.onDyno = () => ({ exitCode: 0, output: ["No migrations to apply."], polls: 100 });
    const dyno = await call("POST", "/apps/gyana-beta/dynos", {
      command: "python manage.py migrate",
    });
    const session = await call("POST", "/apps/gyana-beta/log-sessions", {
      dyno_name: dyno.body.name,
      tail: true,
      source: "app",
    });
    const text = await (await fetch(session.body.logplex_url)).text();
    expect(text).toMatch(/app\[run\.\d{4}\]: No migrations to apply\.\n$/);
    expect((await call("GET", `/apps/gyana-beta/dynos/${dyno.body.id}`)).status).toBe(404);
  });

  it("promotes the source's current slug to the target with a new release", async () => {
    const staging = emu.state.createApp({ name: "gyana-release" });
    const prod = emu.state.createApp({ name: "gyana-beta" });
    const deployed = emu.state.deploy(staging, { processTypes: { web: "gunicorn" } });
    const pipeline = (await call("POST", "/pipelines", { name: "gyana" })).body;
    for (const [app, stage] of [
      ["gyana-release", "staging"],
      ["gyana-beta", "production"],
    ]) {
      await call("POST", "/pipeline-couplings", { app, pipeline: pipeline.id, stage });
    }
    const promo = await call("POST", "/pipeline-promotions", {
      pipeline: { id: pipeline.id },
      source: { app: { id: staging.id } },
      targets: [{ app: { id: prod.id } }],
    });
    expect(promo.body.status).toBe("pending");
    expect((await call("GET", `/pipeline-promotions/${promo.body.id}`)).body.status).toBe(
      "pending",
    );
    expect((await call("GET", `/pipeline-promotions/${promo.body.id}`)).body.status).toBe(
      "completed",
    );
    const targets = (await call("GET", `/pipeline-promotions/${promo.body.id}/promotion-targets`))
      .body;
    expect(targets).toMatchObject([{ app: { id: prod.id }, status: "succeeded" }]);
    const release = emu.state.release(emu.state.app("gyana-beta"), targets[0].release.id);
    expect(release.description).toBe(`Promote gyana-release v${deployed.version}`);
    expect(release.slug?.id).toBe(deployed.slug!.id);
    expect(emu.violations).toEqual([]);
  });
});
