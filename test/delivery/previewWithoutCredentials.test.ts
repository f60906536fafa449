// Pull requests' previews run without --refresh and without any Heroku or GoDaddy credential
// (.github/scripts/preview.sh, docs/security.md). That holds only if a preview needs neither: in
// a preview without refresh the engine calls each resource's `check` and `diff` and nothing else,
// so every dynamic provider's check and diff must be local. This deploys production to the
// emulators, removes every credential from the environment, then runs check and diff of every
// Heroku and GoDaddy resource through its serialized provider, as a preview of the next change
// would: not one request may reach either service.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadProvider, type EngineState, type StateResource } from "../../tools/emulatedUp";
import { startE2eEnvironment, up, type E2eEnvironment } from "../e2e/harness";

const CREDENTIALS = ["HEROKU_API_KEY", "GODADDY_API_KEY", "GODADDY_API_SECRET"];
const PROVIDER_KEY = "__provider";

let emulators: E2eEnvironment;
let state: EngineState;
let dynamic: StateResource[];

beforeAll(async () => {
  emulators = await startE2eEnvironment();
  const fresh = await up("prod", undefined);
  // The first build, then the up that scales the formation: the state of a running production.
  emulators.heroku.state.deploy("gyana-beta", {
    processTypes: { web: "gunicorn", worker: "celery", priority: "celery", beat: "celery beat" },
  });
  state = (await up("prod", fresh.state)).state;
  dynamic = Object.values(state.resources).filter((r) => r.provider !== undefined);
}, 180_000);

afterAll(async () => {
  await emulators.close();
});

/** Runs `body` with no Heroku or GoDaddy credential in the environment; returns its requests. */
async function withoutCredentials(body: () => Promise<void>): Promise<string[]> {
  const saved = Object.fromEntries(CREDENTIALS.map((k) => [k, process.env[k]]));
  for (const key of CREDENTIALS) delete process.env[key];
  const heroku = emulators.heroku.requests.length;
  const godaddy = emulators.godaddy.requests.length;
  try {
    await body();
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value !== undefined) process.env[key] = value;
    }
  }
  return [
    ...emulators.heroku.requests.slice(heroku).map((r) => `heroku ${r.method} ${r.path}`),
    ...emulators.godaddy.requests.slice(godaddy).map((r) => `godaddy ${r.method} ${r.path}`),
  ];
}

describe("a preview without --refresh", () => {
  it("covers every kind of Heroku and GoDaddy resource production declares", () => {
    const types = [...new Set(dynamic.map((r) => r.type.replace("pulumi-nodejs:dynamic/", "")))];
    expect(types.sort()).toEqual(
      expect.arrayContaining([
        "godaddy:DnsRecord",
        "heroku:Addon",
        "heroku:App",
        "heroku:AppWebhook",
        "heroku:Buildpacks",
        "heroku:ConfigVarQuerySuffix",
        "heroku:ConfigVars",
        "heroku:Domain",
        "heroku:Formation",
        "heroku:LogDrain",
        "heroku:Pipeline",
        "heroku:PipelineCoupling",
        "heroku:SniEndpoint",
      ]),
    );
  });

  it("checks and diffs every resource of a deployed stack with no credential and no request", async () => {
    const diffs: string[] = [];
    const requests = await withoutCredentials(async () => {
      for (const r of dynamic) {
        const provider = await loadProvider(r.provider!, "gyana-infra");
        const olds = { ...r.inputs, [PROVIDER_KEY]: r.provider };
        const checked = await provider.check!(olds, { ...olds });
        expect(checked.failures ?? [], r.name).toEqual([]);
        const diff = await provider.diff!(
          r.id,
          { ...r.outputs, [PROVIDER_KEY]: r.provider },
          {
            ...checked.inputs,
          },
        );
        if (diff.changes) diffs.push(r.name);
      }
    });
    expect(requests).toEqual([]);
    // The same program against its own state: a preview that shows nothing.
    expect(diffs).toEqual([]);
  });

  it("sees a change (a config var, a formation) as a diff, still with no request", async () => {
    const changed: Record<string, boolean> = {};
    const requests = await withoutCredentials(async () => {
      for (const r of dynamic.filter((d) => /heroku:(ConfigVars|Formation)$/.test(d.type))) {
        const provider = await loadProvider(r.provider!, "gyana-infra");
        const news: Record<string, unknown> = { ...r.inputs, [PROVIDER_KEY]: r.provider };
        if (r.type.endsWith("ConfigVars")) {
          news["vars"] = { ...(r.inputs["vars"] as object), ENVIRONMENT: "changed" };
        } else {
          const processes = r.inputs["processes"] as Record<string, { quantity: number }>;
          news["processes"] = Object.fromEntries(
            Object.entries(processes).map(([type, p]) => [
              type,
              { ...p, quantity: p.quantity + 1 },
            ]),
          );
        }
        const checked = await provider.check!({ ...r.inputs, [PROVIDER_KEY]: r.provider }, news);
        const diff = await provider.diff!(
          r.id,
          { ...r.outputs, [PROVIDER_KEY]: r.provider },
          checked.inputs,
        );
        changed[r.name] = diff.changes === true;
      }
    });
    expect(requests).toEqual([]);
    expect(changed).toEqual({ "app-config": true, "app-formation": true });
  });

  it("a new stack's preview (check of every resource, nothing recorded) makes no request either", async () => {
    const requests = await withoutCredentials(async () => {
      for (const r of dynamic) {
        const provider = await loadProvider(r.provider!, "gyana-infra");
        await provider.check!({}, { ...r.inputs, [PROVIDER_KEY]: r.provider });
      }
    });
    expect(requests).toEqual([]);
  });
});
