// Names and ids become URL path segments. A segment `.` or `..` is resolved by the URL parser
// ("this folder"/"the parent": WHATWG URL Standard, double-dot path segments), so an id of `..`
// turned `…/sni-endpoints/..` into `GET /apps/gyana-beta/`. Every segment now goes through one
// guard, ids from config are checked by shape in `check`, and ids from API answers are checked
// to be uuids before a later path uses them.
import { beforeAll, describe, expect, it } from "vitest";
import { Authorization, PipelineCoupling, SniEndpoint } from "../../providers/heroku";
import { HEROKU_SHAPES, apiId, appIdOf, seg } from "../../providers/heroku/providerKit";
import { HerokuClient } from "../../providers/heroku/client";
import { declareAndLoad, type SerializedResource } from "../support/hostedProvider";
import { useHerokuEmulator } from "./herokuTestKit";
import { makeCertificate } from "../domain/fixtures";

const env = useHerokuEmulator();
let sni: SerializedResource;
let auth: SerializedResource;
let coupling: SerializedResource;

beforeAll(async () => {
  const cert = await makeCertificate({});
  const loaded = await declareAndLoad(() => {
    new SniEndpoint("cert", {
      app: "gyana-beta",
      certificateChain: cert.certificateChain,
      privateKey: cert.privateKey,
    });
    new Authorization("auth", { description: "x" });
    new PipelineCoupling("coupling", { app: "gyana-beta", pipeline: "gyana", stage: "production" });
  });
  sni = loaded.get("cert")!;
  auth = loaded.get("auth")!;
  coupling = loaded.get("coupling")!;
  env.emu.state.createApp({ name: "gyana-beta", region: "eu" });
});

describe("seg", () => {
  it("percent-encodes a name or id", () => {
    expect(seg("gyana-beta")).toBe("gyana-beta");
    expect(seg("a/b c?d#e")).toBe("a%2Fb%20c%3Fd%23e");
  });

  it("refuses an empty segment, . and .., which a URL parser would resolve away", () => {
    for (const bad of ["", ".", ".."]) {
      expect(() => seg(bad), bad).toThrow(
        `refusing ${JSON.stringify(bad)} as a Heroku API path segment`,
      );
    }
    // `%2e%2e` is not an escape: its `%` is encoded, so Heroku receives the literal text.
    expect(seg("%2e%2e")).toBe("%252e%252e");
  });
});

describe("a served SNI endpoint whose id is `..`", () => {
  it("is never read as the app itself: the read fails before any request", async () => {
    const { emu } = env;
    const before = emu.requests.length;
    await expect(sni.provider.read!("..", { ...sni.inputs, app: "gyana-beta" })).rejects.toThrow(
      'refusing ".." as a Heroku API path segment',
    );
    expect(emu.requests.slice(before).map((r) => r.path)).toEqual([]);
  });

  it("is never deleted as the app itself", async () => {
    const { emu } = env;
    const before = emu.requests.length;
    await expect(sni.provider.delete!("..", { ...sni.inputs, app: "gyana-beta" })).rejects.toThrow(
      'refusing ".." as a Heroku API path segment',
    );
    expect(emu.requests.slice(before)).toEqual([]);
    expect(emu.state.apps.size).toBe(1);
  });
});

describe("ids from config are checked by shape before any request", () => {
  it("an app that is neither an app name nor a uuid", async () => {
    const result = await sni.provider.check!({}, { ...sni.inputs, app: "gyana-beta/.." });
    expect(result.failures).toEqual([
      {
        property: "app",
        reason:
          '`app` "gyana-beta/.." must be an app name (3-30 of a-z, 0-9, -, starting with a letter) or a Heroku id (uuid)',
      },
    ]);
  });

  it("an SNI endpoint to adopt, an authorization to adopt and a pipeline", async () => {
    const sniResult = await sni.provider.check!({}, { ...sni.inputs, adopt: ".." });
    expect(sniResult.failures?.map((f) => f.property)).toEqual(["adopt"]);
    const authResult = await auth.provider.check!({}, { ...auth.inputs, adopt: "../account" });
    expect(authResult.failures).toEqual([
      {
        property: "adopt",
        reason: '`adopt` "../account" must be a Heroku id (uuid)',
      },
    ]);
    const couplingResult = await coupling.provider.check!(
      {},
      { ...coupling.inputs, pipeline: "Gyana Pipeline" },
    );
    expect(couplingResult.failures?.map((f) => f.property)).toEqual(["pipeline"]);
  });

  it("accepts the real shapes: app names, uuids, SNI endpoint names", async () => {
    const uuid = "01234567-89ab-cdef-0123-456789abcdef";
    for (const app of ["gyana-beta", uuid]) {
      expect((await sni.provider.check!({}, { ...sni.inputs, app })).failures, app).toBeUndefined();
    }
    const adopt = "parasaurolophus-89872";
    expect((await sni.provider.check!({}, { ...sni.inputs, adopt })).failures).toBeUndefined();
    expect(HEROKU_SHAPES.uuid.test(uuid)).toBe(true);
  });
});

describe("ids from API answers are uuids before a later path uses them", () => {
  it("apiId passes a uuid and refuses anything else", () => {
    expect(apiId("01234567-89ab-cdef-0123-456789abcdef", "x")).toBe(
      "01234567-89ab-cdef-0123-456789abcdef",
    );
    expect(() => apiId("..", "the promotion")).toThrow(
      'Heroku API returned ".." as the id of the promotion; expected a uuid',
    );
  });

  it("appIdOf returns the app's uuid from the emulator", async () => {
    const { emu } = env;
    const client = new HerokuClient({ token: emu.token, baseUrl: emu.url });
    expect(await appIdOf(client, "gyana-beta")).toMatch(HEROKU_SHAPES.uuid);
  });
});
