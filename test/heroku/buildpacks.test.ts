// Buildpacks through the serialized provider against the emulator: the list is ordered (a swap is
// a change), registry names and URLs both round-trip without a false diff, delete clears it.
import { beforeAll, describe, expect, it } from "vitest";
import { Buildpacks, type BuildpacksInputs } from "../../providers/heroku";
import { declareAndLoad, type SerializedResource } from "../support/hostedProvider";
import { counted, useHerokuEmulator } from "./herokuTestKit";

const env = useHerokuEmulator();
let bp: SerializedResource;
const CUSTOM = "https://github.com/heroku/heroku-buildpack-apt";

beforeAll(async () => {
  const loaded = await declareAndLoad(() => {
    new Buildpacks("bp", {
      app: "gyana-bp",
      buildpacks: ["heroku/nodejs", "heroku/python", CUSTOM],
    });
  });
  bp = loaded.get("bp")!;
  env.emu.state.createApp({ name: "gyana-bp", region: "eu" });
});

describe("Buildpacks provider (serialized, against the emulator)", () => {
  it("rejects a missing list, empty entries and duplicates, naming the property", async () => {
    expect((await bp.provider.check!({}, { app: "gyana-dev" })).failures).toEqual([
      { property: "buildpacks", reason: "`buildpacks` must be a list of buildpack names or URLs" },
    ]);
    expect(
      (await bp.provider.check!({}, { app: "gyana-dev", buildpacks: ["x", "", "x"] })).failures,
    ).toEqual([
      { property: "buildpacks", reason: "`buildpacks[1]` must be a non-empty string" },
      { property: "buildpacks", reason: '`buildpacks` lists "x" twice' },
    ]);
  });

  it("sets the ordered list with one PUT, reads it back in the declared spelling, diffs empty, reorders and clears on delete", async () => {
    const { emu } = env;
    const inputs = (await bp.provider.check!({}, bp.inputs)).inputs as BuildpacksInputs;
    const create = await counted(emu, () => bp.provider.create(inputs));
    const { id, outs } = create.result;
    expect(create.routes).toEqual([
      "GET /apps/{app}",
      "GET /apps/{app}/buildpack-installations",
      "PUT /apps/{app}/buildpack-installations",
    ]);
    expect(id).toBe(emu.state.app("gyana-bp").id);
    expect(outs.buildpacks).toEqual(["heroku/nodejs", "heroku/python", CUSTOM]);
    // The API answers registry buildpacks with their registry URL; the declared name survives.
    expect(emu.state.app("gyana-bp").buildpacks[0]!.url).not.toBe("heroku/nodejs");

    const read = await counted(emu, () => bp.provider.read!(id, outs));
    expect(read.routes).toEqual(["GET /apps/{app}/buildpack-installations"]);
    expect(read.result.props).toEqual(outs);
    const noop = await counted(emu, () => bp.provider.diff!(id, outs, inputs));
    expect(noop.result).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    expect(noop.routes).toEqual([]);

    const swapped = { ...inputs, buildpacks: ["heroku/python", "heroku/nodejs", CUSTOM] };
    expect(await bp.provider.diff!(id, outs, swapped)).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    const update = await counted(emu, () => bp.provider.update!(id, outs, swapped));
    expect(update.routes).toEqual(["PUT /apps/{app}/buildpack-installations"]);
    expect(emu.state.app("gyana-bp").buildpacks.map((b) => b.name)).toEqual([
      "heroku/python",
      "heroku/nodejs",
      CUSTOM,
    ]);
    expect((await bp.provider.diff!(id, update.result.outs!, swapped)).changes).toBe(false);

    await bp.provider.delete!(id, update.result.outs!);
    expect(emu.state.app("gyana-bp").buildpacks).toEqual([]);
    emu.state.deleteApp(emu.state.app("gyana-bp"));
    await bp.provider.delete!(id, update.result.outs!);
    expect(await bp.provider.read!(id, update.result.outs!)).toEqual({ id: "" });
    expect(emu.violations).toEqual([]);
  });

  it("shows a buildpack changed by hand as drift on refresh", async () => {
    const { emu } = env;
    const app = emu.state.createApp({ name: "gyana-bp-drift", region: "eu" });
    const inputs = { app: "gyana-bp-drift", buildpacks: ["heroku/nodejs", "heroku/python"] };
    const { id, outs } = await bp.provider.create(inputs);
    app.buildpacks.reverse();
    const read = await bp.provider.read!(id, outs);
    expect(read.props!.buildpacks).toEqual(["heroku/python", "heroku/nodejs"]);
    expect((await bp.provider.diff!(id, read.props!, inputs)).changes).toBe(true);
  });

  it("reads from the app id alone with the live list", async () => {
    const app = env.emu.state.createApp({ name: "gyana-bp-read", region: "eu" });
    const client = { app: "gyana-bp-read", buildpacks: ["heroku/python"] };
    await bp.provider.create(client);
    const read = await bp.provider.read!(app.id);
    expect(read.inputs).toEqual({
      app: app.id,
      buildpacks: [app.buildpacks[0]!.url],
    });
    expect(
      (await bp.provider.diff!(app.id, read.props!, read.inputs as BuildpacksInputs)).changes,
    ).toBe(false);
  });
});
