// Every route the emulator implements, called once with a realistic body: each answer must match
// the schema's targetSchema, so a provider test never trips over the emulator's own shapes.
import { afterAll, beforeAll, expect, it } from "vitest";
import { generate } from "selfsigned";
import { startHerokuEmulator, type HerokuEmulator } from "./heroku";
import { ALL_ROUTES } from "./heroku/routes";

let emu: HerokuEmulator;

beforeAll(async () => {
  emu = await startHerokuEmulator({ addonProvisioningPolls: 0 });
});

afterAll(async () => {
  await emu.close();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read field by field
async function call(method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(emu.url + path, {
    method,
    headers: {
      Accept: "application/vnd.heroku+json; version=3",
      Authorization: `Bearer ${emu.token}`,
      "Content-Type": "application/json",
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  expect(res.status, `${method} ${path}: ${text}`).toBeLessThan(300);
  return text ? JSON.parse(text) : undefined;
}

it("answers every emulated route with a body that matches the schema", async () => {
  const pems = await generate([{ name: "commonName", value: "www.gyana.com" }], { keySize: 1024 });
  const a = "gyana-routes";
  const app = await call("POST", "/apps", { name: a, region: "eu", stack: "heroku-24" });
  await call("GET", "/apps");
  await call("GET", `/apps/${app.id}`);
  await call("PATCH", `/apps/${a}`, { maintenance: false });
  const team = await call("POST", "/teams/apps", { name: "gyana-routes-team", team: "gyana" });
  await call("GET", `/teams/apps/${team.name}`);

  const pg = await call("POST", `/apps/${a}/addons`, {
    plan: "heroku-postgresql:essential-0",
    attachment: { name: "DATABASE" },
  });
  await call("GET", "/addons");
  await call("GET", `/addons/${pg.name}`);
  await call("GET", `/apps/${a}/addons`);
  await call("GET", `/apps/${a}/addons/${pg.id}`);
  await call("PATCH", `/apps/${a}/addons/${pg.id}`, { plan: "heroku-postgresql:essential-1" });
  const attachments = await call("GET", `/apps/${a}/addon-attachments`);
  await call("GET", `/apps/${a}/addon-attachments/${attachments[0].id}`);
  await call("GET", `/addons/${pg.id}/addon-attachments`);

  await call("PATCH", `/apps/${a}/config-vars`, { DJANGO_SETTINGS_MODULE: "gyana.settings" });
  await call("GET", `/apps/${a}/config-vars`);
  await call("PUT", `/apps/${a}/buildpack-installations`, {
    updates: [{ buildpack: "heroku/python" }],
  });
  await call("GET", `/apps/${a}/buildpack-installations`);

  const deployed = emu.state.deploy(a, { processTypes: { web: "gunicorn", worker: "celery" } });
  await call("GET", `/apps/${a}/formation`);
  await call("GET", `/apps/${a}/formation/web`);
  await call("PATCH", `/apps/${a}/formation`, {
    updates: [{ type: "web", quantity: 2, dyno_size: { name: "standard-2X" } }],
  });
  await call("PATCH", `/apps/${a}/formation/worker`, { dyno_size: { name: "standard-2X" } });

  const releases = await call("GET", `/apps/${a}/releases`);
  await call("GET", `/apps/${a}/releases/${releases[0].version}`);
  await call("GET", `/apps/${a}/releases/${deployed.id}/config-vars`);
  await call("GET", `/apps/${a}/slugs/${deployed.slug!.id}`);
  await call("POST", `/apps/${a}/releases`, { slug: deployed.slug!.id });
  await call("POST", `/apps/${a}/releases`, { release: deployed.id });

  const dyno = await call("POST", `/apps/${a}/dynos`, { command: "python manage.py check" });
  await call("GET", `/apps/${a}/dynos`);
  await call("GET", `/apps/${a}/dynos/${dyno.name}`);
  await call("POST", `/apps/${a}/log-sessions`, { dyno_name: dyno.name });
  await call("POST", `/apps/${a}/dynos/${dyno.id}/actions/stop`);
  const second = await call("POST", `/apps/${a}/dynos`, { command: "bash" });
  await call("DELETE", `/apps/${a}/dynos/${second.id}`);
  await call("DELETE", `/apps/${a}/dynos`);

  const sni = await call("POST", `/apps/${a}/sni-endpoints`, {
    certificate_chain: pems.cert,
    private_key: pems.private,
  });
  await call("GET", `/apps/${a}/sni-endpoints`);
  await call("GET", `/apps/${a}/sni-endpoints/${sni.id}`);
  await call("PATCH", `/apps/${a}/sni-endpoints/${sni.name}`, {
    certificate_chain: pems.cert,
    private_key: pems.private,
  });
  const domain = await call("POST", `/apps/${a}/domains`, {
    hostname: "www.gyana.com",
    sni_endpoint: sni.id,
  });
  await call("GET", `/apps/${a}/domains`);
  await call("GET", `/apps/${a}/domains/${domain.id}`);
  await call("PATCH", `/apps/${a}/domains/${domain.hostname}`, { sni_endpoint: sni.name });

  const drain = await call("POST", `/apps/${a}/log-drains`, { url: "https://logs.example.com/x" });
  await call("GET", `/apps/${a}/log-drains`);
  await call("GET", `/apps/${a}/log-drains/${encodeURIComponent(drain.url)}`);
  const hook = await call("POST", `/apps/${a}/webhooks`, {
    include: ["api:release", "dyno"],
    level: "sync",
    url: "https://hooks.example.com/heroku",
    authorization: "Bearer x",
  });
  await call("GET", `/apps/${a}/webhooks`);
  await call("GET", `/apps/${a}/webhooks/${hook.id}`);
  await call("PATCH", `/apps/${a}/webhooks/${hook.id}`, { include: ["api:app"] });

  const auth = await call("POST", "/oauth/authorizations", {
    scope: ["read", "write"],
    expires_in: 3600,
  });
  await call("GET", `/oauth/authorizations/${auth.id}`);
  await call("GET", "/oauth/authorizations");
  await call("POST", `/oauth/authorizations/${auth.id}/actions/regenerate-tokens`);
  await call("PATCH", `/oauth/authorizations/${auth.id}`, {
    description: "renamed",
    client: { id: "01234567-89ab-cdef-0123-456789abcdef", secret: "x" },
  });

  const pipeline = await call("POST", "/pipelines", { name: "gyana-routes" });
  await call("GET", "/pipelines");
  await call("GET", `/pipelines/${pipeline.name}`);
  await call("PATCH", `/pipelines/${pipeline.id}`, { name: "gyana-routes-2" });
  const staging = emu.state.createApp({ name: "gyana-routes-staging" });
  emu.state.deploy(staging, { processTypes: { web: "gunicorn" } });
  const coupling = await call("POST", "/pipeline-couplings", {
    app: a,
    pipeline: pipeline.id,
    stage: "production",
  });
  await call("POST", "/pipeline-couplings", {
    app: staging.id,
    pipeline: pipeline.id,
    stage: "staging",
  });
  await call("GET", "/pipeline-couplings");
  await call("GET", `/apps/${a}/pipeline-couplings`);
  await call("GET", `/pipeline-couplings/${coupling.id}`);
  await call("PATCH", `/pipeline-couplings/${coupling.id}`, { stage: "production" });
  await call("GET", `/pipelines/${pipeline.id}/pipeline-couplings`);
  const promotion = await call("POST", "/pipeline-promotions", {
    pipeline: { id: pipeline.id },
    source: { app: { id: staging.id } },
    targets: [{ app: { id: app.id } }],
  });
  await call("GET", `/pipeline-promotions/${promotion.id}`);
  await call("GET", `/pipeline-promotions/${promotion.id}/promotion-targets`);
  await call("GET", "/account/rate-limits");
  await call("GET", "/account");
  await call("GET", "/teams/gyana");

  await call("DELETE", `/apps/${a}/webhooks/${hook.id}`);
  await call("DELETE", `/apps/${a}/log-drains/${drain.token}`);
  await call("DELETE", `/apps/${a}/domains/${domain.id}`);
  await call("DELETE", `/apps/${a}/sni-endpoints/${sni.id}`);
  await call("DELETE", `/apps/${a}/addons/${pg.name}`);
  await call("DELETE", `/oauth/authorizations/${auth.id}`);
  await call("DELETE", `/pipeline-couplings/${coupling.id}`);
  await call("DELETE", `/pipelines/${pipeline.id}`);
  await call("DELETE", `/apps/${a}`);

  expect(emu.violations).toEqual([]);
  const called = new Set(Object.keys(emu.counts()));
  expect(Object.keys(ALL_ROUTES).filter((route) => !called.has(route))).toEqual([]);
});
