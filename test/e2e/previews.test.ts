// `pulumi preview` must say what `pulumi up` will do: reviewers approve production from it. For
// each in-place change of a resource that others depend on, the emulated preview (Check and Diff
// in Pulumi's real dynamic provider host; no Create or Update sent, as the engine does for a host
// without preview support) must list exactly the steps the following up performs, and write
// nothing. A child that refers to its parent by an output the update recomputes (not by the
// parent's id or an input) sees an unknown value in the preview and shows a replacement or an
// update that the up never performs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SECRET_KEYS } from "../../config/schema";
import type { EngineState } from "../../tools/emulatedUp";
import { placeholderOverrides, readStackFile } from "../../tools/stackFile";
import { wildcardCertificate } from "../support/certificates";
import { testSecrets } from "../support/stack";
import {
  allowSeveralUps,
  APP_PROCESS_TYPES,
  changes,
  startE2eEnvironment,
  up,
  writesOf,
  type E2eEnvironment,
} from "./harness";

allowSeveralUps();

describe("a preview of the prod stack lists exactly the steps of the up that follows", () => {
  let emulators: E2eEnvironment;
  let state: EngineState;
  // The stack's config as it evolves through the tests (each change is kept).
  let overrides: Record<string, string> = {};
  let secrets: Record<string, string> = {};

  /** Edits one structured config value, starting from what the previous up deployed. */
  async function edit(key: string, change: (value: Record<string, unknown>) => void) {
    const file = readStackFile("prod", { secrets: await testSecrets() });
    const current = overrides[key] ?? placeholderOverrides("prod", "e2e")[key] ?? file.config[key]!;
    const value = JSON.parse(current) as Record<string, unknown>;
    change(value);
    overrides = { ...overrides, [key]: JSON.stringify(value) };
  }

  /** Preview, then up, of the current config; returns the up's changed steps. */
  async function previewThenUp(): Promise<string[]> {
    emulators.heroku.resetCounts();
    emulators.godaddy.requests.length = 0;
    const preview = await up("prod", state, { overrides, secrets, preview: true });
    expect(writesOf(emulators.heroku)).toEqual([]);
    expect(emulators.godaddy.writes()).toEqual([]);
    expect(preview.state).toEqual(state);
    const applied = await up("prod", state, { overrides, secrets });
    state = applied.state;
    expect(changes(preview)).toEqual(changes(applied));
    return changes(applied);
  }

  beforeAll(async () => {
    emulators = await startE2eEnvironment();
    const fresh = await up("prod", undefined);
    emulators.heroku.state.deploy("gyana-beta", { processTypes: APP_PROCESS_TYPES });
    state = (await up("prod", fresh.state)).state;
  });

  afterAll(async () => {
    await emulators.close();
  });

  it("with nothing changed: no step", async () => {
    expect(await previewThenUp()).toEqual([]);
  });

  it("renaming the app: the app and what holds its name, no child replaced", async () => {
    await edit("gyana:heroku", (h) => {
      h["app"] = "gyana-beta-renamed";
    });
    // The add-ons' default names derive from the app's name (HEROKU_APP is a config var).
    expect(await previewThenUp()).toEqual([
      "update app",
      "update app-config",
      "update app-postgres",
      "update app-redis",
    ]);
  });

  it("changing the app's stack: only the app", async () => {
    await edit("gyana:heroku", (h) => {
      h["stack"] = "heroku-22";
    });
    expect(await previewThenUp()).toEqual(["update app"]);
  });

  it("renaming the pipeline: only the pipeline, the coupling stays", async () => {
    await edit("gyana:heroku", (h) => {
      (h["pipeline"] as Record<string, unknown>)["name"] = "gyana-renamed";
    });
    expect(await previewThenUp()).toEqual(["update app-pipeline"]);
  });

  it("a Redis plan change: the add-on in place and what reads its plan", async () => {
    await edit("gyana:heroku", (h) => {
      (h["addons"] as Record<string, string>)["redis"] = "heroku-redis:premium-1";
    });
    const steps = await previewThenUp();
    expect(steps).toContain("update app-redis");
    expect(steps.filter((s) => s.startsWith("replace "))).toEqual([]);
  });

  // The domains refer to the endpoint by id. Domain itself has no in-place change a stack's
  // config can reach: its hostname replaces it, and its app and endpoint are ids that stay.
  it("rotating the certificate: only the SNI endpoint, no domain or DNS record", async () => {
    const renewed = await wildcardCertificate({
      notAfter: new Date(Date.now() + 2 * 365 * 24 * 3600_000),
    });
    secrets = {
      ...secrets,
      [SECRET_KEYS.tlsCertificate.key]: renewed.certificateChain,
      [SECRET_KEYS.tlsPrivateKey.key]: renewed.privateKey,
    };
    expect(await previewThenUp()).toEqual(["update domain-cert"]);
  });

  it("adding a hostname: its domain and record, nothing else replaced", async () => {
    await edit("gyana:domains", (d) => {
      d["hostnames"] = [...(d["hostnames"] as string[]), "www.gyana.com"];
    });
    expect(await previewThenUp()).toEqual([
      "create domain-www-gyana-com",
      "create domain-www-gyana-com-cname",
    ]);
  });

  it("a new CORS origin (a mocked GCP resource updated in place): only the bucket", async () => {
    await edit("gyana:google", (g) => {
      (g["bucket"] as { corsOrigins: string[] }).corsOrigins = ["https://app.gyana.com"];
    });
    expect(await previewThenUp()).toEqual(["update gcp-uploads"]);
  });
});
