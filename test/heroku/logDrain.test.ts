// LogDrain through its serialized provider against the emulator: the URL stays secret, any change
// replaces the drain, delete tolerates 404, an interrupted create adopts the drain it made.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LogDrain } from "../../providers/heroku";
import { declareAndLoad, type SerializedResource } from "../support/hostedProvider";
import { startHerokuEmulator, type HerokuEmulator } from "../emulator/heroku";

const URL_A = "https://logplex.honeybadger.io/v1/events?api_key=hb-secret-key&env=development";
const URL_B = "https://logplex.honeybadger.io/v1/events?api_key=hb-secret-key&env=staging";

let emu: HerokuEmulator;
let drain: SerializedResource;

beforeAll(async () => {
  emu = await startHerokuEmulator();
  process.env["HEROKU_API_URL"] = emu.url;
  process.env["HEROKU_API_KEY"] = emu.token;
  emu.state.createApp({ name: "gyana-drains", region: "eu" });
  const loaded = await declareAndLoad(() => {
    new LogDrain("drain", { app: "gyana-drains", url: URL_A });
  });
  drain = loaded.get("drain")!;
});

afterAll(async () => {
  await emu.close();
});

describe("LogDrain provider (serialized, against the emulator)", () => {
  it("registers the URL as a secret", () => {
    expect(drain.resource.type).toBe("pulumi-nodejs:dynamic/heroku:LogDrain");
    expect(drain.resource.maskedInputs["url"]).toBe("[secret]");
    expect(JSON.stringify(drain.resource.maskedInputs)).not.toContain("hb-secret-key");
  });

  it("rejects a URL that is not https or syslog without echoing it", async () => {
    const result = await drain.provider.check!({}, { app: "gyana-drains", url: "ftp://key@x" });
    expect(result.failures).toEqual([
      { property: "url", reason: "`url` must be an https://, syslog:// or syslog+tls:// URL" },
    ]);
  });

  it("creates, reads back with no diff, replaces on a new URL and deletes (404 tolerated)", async () => {
    const checked = await drain.provider.check!({}, drain.inputs);
    const created = await drain.provider.create(checked.inputs);
    expect(created.outs).toMatchObject({ app: "gyana-drains", url: URL_A, drainId: created.id });
    expect(created.outs.token).toMatch(/^d\./);
    expect(emu.state.app("gyana-drains").logDrains.size).toBe(1);

    const noop = await drain.provider.diff!(created.id, created.outs, checked.inputs);
    expect(noop.changes).toBe(false);
    const read = await drain.provider.read!(created.id, created.outs);
    expect(read.props).toEqual(created.outs);
    expect((await drain.provider.diff!(created.id, read.props, checked.inputs)).changes).toBe(
      false,
    );

    const moved = await drain.provider.diff!(created.id, created.outs, {
      ...checked.inputs,
      url: URL_B,
    });
    expect(moved).toMatchObject({ changes: true, replaces: ["url"], deleteBeforeReplace: false });

    await drain.provider.delete!(created.id, created.outs);
    expect(emu.state.app("gyana-drains").logDrains.size).toBe(0);
    await drain.provider.delete!(created.id, created.outs);
    expect((await drain.provider.read!(created.id, created.outs)).id).toBe("");
  });

  it("adopts the drain an interrupted create left behind instead of failing", async () => {
    const first = await drain.provider.create(drain.inputs);
    const again = await drain.provider.create(drain.inputs);
    expect(again.id).toBe(first.id);
    expect(emu.state.app("gyana-drains").logDrains.size).toBe(1);
    await drain.provider.delete!(first.id, first.outs);
  });
});
