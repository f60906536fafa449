// Pipeline and PipelineCoupling through their serialized providers against the emulator: a
// coupling names its pipeline by id or by name (resolved with GET /pipelines/{name}), the stage
// changes in place, a missing pipeline says which stack creates it, delete tolerates 404.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Pipeline, PipelineCoupling } from "../../providers/heroku";
import { declareAndLoad, type SerializedResource } from "../support/hostedProvider";
import { startHerokuEmulator, type HerokuEmulator } from "../emulator/heroku";

let emu: HerokuEmulator;
let pipeline: SerializedResource;
let coupling: SerializedResource;

beforeAll(async () => {
  emu = await startHerokuEmulator();
  process.env["HEROKU_API_URL"] = emu.url;
  process.env["HEROKU_API_KEY"] = emu.token;
  emu.state.createApp({ name: "gyana-piped", region: "eu" });
  const loaded = await declareAndLoad(() => {
    new Pipeline("pipeline", { name: "gyana" });
    new PipelineCoupling("coupling", { app: "gyana-piped", pipeline: "gyana", stage: "staging" });
  });
  pipeline = loaded.get("pipeline")!;
  coupling = loaded.get("coupling")!;
});

afterAll(async () => {
  await emu.close();
});

describe("Pipeline and PipelineCoupling providers (serialized, against the emulator)", () => {
  it("a coupling to a pipeline that does not exist yet names the stack that creates it", async () => {
    await expect(coupling.provider.create(coupling.inputs)).rejects.toThrow(
      "Heroku pipeline `gyana` does not exist. It is created by the stack that owns it",
    );
  });

  it("runs the full lifecycle: pipeline, coupling by name, stage change, rename, deletes", async () => {
    const created = await pipeline.provider.create(
      (await pipeline.provider.check!({}, pipeline.inputs)).inputs,
    );
    expect(created.outs).toMatchObject({ name: "gyana", pipelineId: created.id });
    const readPipeline = await pipeline.provider.read!(created.id, created.outs);
    expect(
      (await pipeline.provider.diff!(created.id, readPipeline.props, pipeline.inputs)).changes,
    ).toBe(false);

    const c = await coupling.provider.create(coupling.inputs);
    expect(c.outs).toMatchObject({
      app: "gyana-piped",
      pipeline: "gyana",
      pipelineId: created.id,
      stage: "staging",
    });
    expect(emu.state.couplings.get(c.id)).toMatchObject({
      pipelineId: created.id,
      stage: "staging",
    });
    const readCoupling = await coupling.provider.read!(c.id, c.outs);
    expect(readCoupling.props).toEqual(c.outs);
    expect((await coupling.provider.diff!(c.id, readCoupling.props, coupling.inputs)).changes).toBe(
      false,
    );
    // Naming the same pipeline by its id is no change.
    expect(
      (await coupling.provider.diff!(c.id, c.outs, { ...coupling.inputs, pipeline: created.id }))
        .changes,
    ).toBe(false);

    const promoted = { ...coupling.inputs, stage: "production" };
    expect(await coupling.provider.diff!(c.id, c.outs, promoted)).toMatchObject({
      changes: true,
      replaces: [],
    });
    emu.resetCounts();
    const updated = await coupling.provider.update!(c.id, c.outs, promoted);
    expect(updated.outs.stage).toBe("production");
    expect(emu.requests.filter((r) => r.method !== "GET").map((r) => r.route)).toEqual([
      "PATCH /pipeline-couplings/{pipeline_coupling}",
    ]);
    expect(
      await coupling.provider.diff!(c.id, c.outs, { ...coupling.inputs, pipeline: "other" }),
    ).toMatchObject({ replaces: ["pipeline"], deleteBeforeReplace: true });

    const renamed = await pipeline.provider.update!(created.id, created.outs, {
      name: "gyana-apps",
    });
    expect(renamed.outs).toMatchObject({ name: "gyana-apps", pipelineId: created.id });

    await coupling.provider.delete!(c.id, updated.outs);
    await coupling.provider.delete!(c.id, updated.outs);
    expect((await coupling.provider.read!(c.id, updated.outs)).id).toBe("");
    await pipeline.provider.delete!(created.id, renamed.outs);
    await pipeline.provider.delete!(created.id, renamed.outs);
    expect((await pipeline.provider.read!(created.id, renamed.outs)).id).toBe("");
  });

  it("an existing pipeline is only taken over with adopt, and a re-run coupling is adopted", async () => {
    const first = await pipeline.provider.create({ name: "gyana-hand" });
    await expect(pipeline.provider.create({ name: "gyana-hand" })).rejects.toThrow(
      "Heroku pipeline `gyana-hand` already exists",
    );
    const adopted = await pipeline.provider.create({ name: "gyana-hand", adopt: true });
    expect(adopted.id).toBe(first.id);

    const inputs = { app: "gyana-piped", pipeline: "gyana-hand", stage: "development" };
    const c1 = await coupling.provider.create(inputs);
    const c2 = await coupling.provider.create({ ...inputs, stage: "staging" });
    expect(c2.id).toBe(c1.id);
    expect(emu.state.couplings.get(c1.id)?.stage).toBe("staging");
    await coupling.provider.delete!(c1.id, c2.outs);
    await pipeline.provider.delete!(first.id, first.outs);
  });
});
