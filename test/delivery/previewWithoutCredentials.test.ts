// Pull requests' previews run without --refresh and without any Heroku or GoDaddy credential
// (.github/scripts/preview.sh, docs/security.md). That holds only if a preview needs neither: in
// a preview without refresh the engine asks each dynamic resource's provider for `check` and
// `diff` and nothing else, so both must be local. This deploys production to the emulators,
// removes every Heroku and GoDaddy credential from the environment, then previews the real
// program through the emulated engine (Pulumi's own dynamic provider host, started with that
// environment): unchanged, changed and fresh. Not one request may reach either service.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upStack, type EngineState, type UpResult } from "../../tools/emulatedUp";
import { rehearsalOverrides } from "../../tools/stackFile";
import { loadProgram, testSecrets } from "../support/stack";
import { changes, startE2eEnvironment, up, type E2eEnvironment } from "../e2e/harness";

const CREDENTIALS = ["HEROKU_API_KEY", "GODADDY_API_KEY", "GODADDY_API_SECRET"];

let emulators: E2eEnvironment;
let state: EngineState;

beforeAll(async () => {
  emulators = await startE2eEnvironment();
  const fresh = await up("prod", undefined);
  // The first build, then the up that scales the formation: the state of a running production.
  emulators.heroku.state.deploy("gyana-beta", {
    processTypes: { web: "gunicorn", worker: "celery", priority: "celery", beat: "celery beat" },
  });
  state = (await up("prod", fresh.state)).state;
}, 180_000);

afterAll(async () => {
  await emulators.close();
});

/**
 * `pulumi preview` (no refresh) of prod with no Heroku or GoDaddy credential in the environment;
 * returns the preview and every request either service received meanwhile.
 */
async function previewWithoutCredentials(
  prior: EngineState | undefined,
  overrides: Record<string, string> = {},
): Promise<{ preview: UpResult; requests: string[] }> {
  const secrets = await testSecrets();
  const saved = Object.fromEntries(CREDENTIALS.map((k) => [k, process.env[k]]));
  for (const key of CREDENTIALS) delete process.env[key];
  const heroku = emulators.heroku.requests.length;
  const godaddy = emulators.godaddy.requests.length;
  try {
    const preview = await upStack("prod", {
      program: loadProgram,
      secrets,
      overrides: { ...rehearsalOverrides("prod", "e2e", secrets), ...overrides },
      ...(prior ? { state: prior } : {}),
      preview: true,
    });
    return {
      preview,
      requests: [
        ...emulators.heroku.requests.slice(heroku).map((r) => `heroku ${r.method} ${r.path}`),
        ...emulators.godaddy.requests.slice(godaddy).map((r) => `godaddy ${r.method} ${r.path}`),
      ],
    };
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value !== undefined) process.env[key] = value;
    }
  }
}

describe("a preview without --refresh", () => {
  it("of the deployed stack checks and diffs every Heroku and GoDaddy resource with no credential and no request", async () => {
    const { preview, requests } = await previewWithoutCredentials(state);
    expect(requests).toEqual([]);
    expect(changes(preview)).toEqual([]);
    const dynamicTypes = new Set(
      preview.steps
        .filter((s) => s.type.startsWith("pulumi-nodejs:dynamic/"))
        .map((s) => s.type.replace("pulumi-nodejs:dynamic/", "")),
    );
    expect([...dynamicTypes].sort()).toEqual(
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

  it("shows a change (a config var, the formation) with no request either", async () => {
    const { readStackFile } = await import("../../tools/stackFile");
    const file = readStackFile("prod", { secrets: await testSecrets() });
    const heroku = JSON.parse(file.config["gyana:heroku"]!) as {
      formation: Record<string, { quantity: number; size: string }>;
    };
    heroku.formation["web"] = { ...heroku.formation["web"]!, quantity: 3 };
    const { preview, requests } = await previewWithoutCredentials(state, {
      "gyana:heroku": JSON.stringify(heroku),
      "gyana:configVars": JSON.stringify({ ENGINE_URL: "bigquery://gyana-app-314217", X: "y" }),
    });
    expect(requests).toEqual([]);
    expect(changes(preview)).toEqual(["update app-config", "update app-formation"]);
  });

  it("of a new stack (check of every resource, nothing recorded) makes no request either", async () => {
    const { preview, requests } = await previewWithoutCredentials(undefined);
    expect(requests).toEqual([]);
    expect(preview.steps.filter((s) => s.op === "create").length).toBeGreaterThan(20);
  });
});
