// AppWebhook through its serialized provider against the emulator: PATCH updates in place, the
// URL and write-only secret stay secret, delete tolerates 404.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppWebhook } from "../../providers/heroku";
import { declareAndLoad, type SerializedResource } from "../support/hostedProvider";
import { startHerokuEmulator, type HerokuEmulator } from "../emulator/heroku";

const URL_A =
  "https://api.honeybadger.io/v1/deploys/heroku?environment=development&api_key=hb-secret-key";

let emu: HerokuEmulator;
let hook: SerializedResource;

beforeAll(async () => {
  emu = await startHerokuEmulator();
  process.env["HEROKU_API_URL"] = emu.url;
  process.env["HEROKU_API_KEY"] = emu.token;
  emu.state.createApp({ name: "gyana-hooks", region: "eu" });
  const loaded = await declareAndLoad(() => {
    new AppWebhook("hook", {
      app: "gyana-hooks",
      include: ["api:release"],
      level: "notify",
      url: URL_A,
      secret: "hmac-secret",
    });
  });
  hook = loaded.get("hook")!;
});

afterAll(async () => {
  await emu.close();
});

describe("AppWebhook provider (serialized, against the emulator)", () => {
  it("registers the URL and the signing secret as secrets, the rest in plain view", () => {
    expect(hook.resource.type).toBe("pulumi-nodejs:dynamic/heroku:AppWebhook");
    expect(hook.resource.maskedInputs).toMatchObject({
      app: "gyana-hooks",
      include: ["api:release"],
      level: "notify",
      url: "[secret]",
      secret: "[secret]",
    });
  });

  it("rejects an unknown entity and level", async () => {
    const result = await hook.provider.check!(
      {},
      { ...hook.inputs, include: ["api:nope"], level: "later" },
    );
    expect(result.failures?.map((f) => f.property)).toEqual(["include", "level"]);
  });

  it("creates, has no diff after a read, PATCHes a level change and deletes (404 tolerated)", async () => {
    const checked = (await hook.provider.check!({}, hook.inputs)).inputs;
    const created = await hook.provider.create(checked);
    const record = emu.state.app("gyana-hooks").webhooks.get(created.id)!;
    expect(record).toMatchObject({
      include: ["api:release"],
      level: "notify",
      url: URL_A,
      secret: "hmac-secret",
    });
    expect(created.outs.webhookId).toBe(created.id);

    const read = await hook.provider.read!(created.id, created.outs);
    expect(read.props).toEqual(created.outs);
    expect((await hook.provider.diff!(created.id, read.props, checked)).changes).toBe(false);

    const news = { ...checked, level: "sync" };
    const diff = await hook.provider.diff!(created.id, created.outs, news);
    expect(diff).toMatchObject({ changes: true, replaces: [] });
    emu.resetCounts();
    const updated = await hook.provider.update!(created.id, created.outs, news);
    expect(updated.outs.level).toBe("sync");
    expect(emu.requests.filter((r) => r.method !== "GET").map((r) => r.route)).toEqual([
      "PATCH /apps/{app}/webhooks/{app_webhook}",
    ]);
    expect(
      (await hook.provider.diff!(created.id, created.outs, { ...checked, app: "other-app" }))
        .replaces,
    ).toEqual(["app"]);

    await hook.provider.delete!(created.id, updated.outs);
    expect(emu.state.app("gyana-hooks").webhooks.size).toBe(0);
    await hook.provider.delete!(created.id, updated.outs);
    expect((await hook.provider.read!(created.id, updated.outs)).id).toBe("");
  });
});
