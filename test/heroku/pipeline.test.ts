// Pipeline and PipelineCoupling through their serialized providers against the emulator: a
// coupling names its pipeline by id or by name (resolved with the `eq[name]` filter, as the heroku
// CLI does), the stage changes in place, a missing pipeline says which stack creates it, delete
// tolerates 404. Pipeline names are not unique on Heroku: nothing here ever makes a second one,
// and a name two pipelines share is refused, naming both.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Pipeline, PipelineCoupling } from "../../providers/heroku";
import { declareAndLoad, type SerializedResource } from "../support/hostedProvider";
import { startHerokuEmulator, type HerokuEmulator } from "../emulator/heroku";
import { ACCOUNT } from "../emulator/heroku/state";
import { newId } from "../emulator/heroku/ids";

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

  it("creates the pipeline owned by the authenticated user, or by the app's team, as the CLI and Terraform do", async () => {
    emu.resetCounts();
    const own = await pipeline.provider.create({ name: "gyana-owned" });
    expect(emu.requests.map((r) => r.route)).toEqual([
      "GET /pipelines",
      "GET /account",
      "POST /pipelines",
    ]);
    expect(emu.requests.at(-1)?.body).toEqual({
      name: "gyana-owned",
      owner: { id: ACCOUNT.id, type: "user" },
    });
    const team = await pipeline.provider.create({ name: "gyana-teamed", team: "gyana" });
    expect(emu.state.pipelines.get(team.id)?.owner).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      type: "team",
    });
    await pipeline.provider.delete!(own.id, own.outs);
    await pipeline.provider.delete!(team.id, team.outs);
  });

  it("never makes a second pipeline of a name that exists (Heroku would): create refuses, saying how to adopt", async () => {
    const existing = await pipeline.provider.create({ name: "gyana-twice" });
    await expect(pipeline.provider.create({ name: "gyana-twice" })).rejects.toThrow(
      `Heroku pipeline \`gyana-twice\` already exists (${existing.id})`,
    );
    expect([...emu.state.pipelines.values()].filter((p) => p.name === "gyana-twice")).toHaveLength(
      1,
    );
    await pipeline.provider.delete!(existing.id, existing.outs);
  });

  it("refuses a name two pipelines share, naming both ids, for adopt and for a coupling by name", async () => {
    const now = emu.state.now();
    const ids = [newId(), newId()];
    for (const id of ids) {
      emu.state.pipelines.set(id, {
        id,
        name: "gyana-dup",
        owner: null,
        createdAt: now,
        updatedAt: now,
      });
    }
    const both = new RegExp(
      `2 Heroku pipelines are named \`gyana-dup\` \\((?=[^)]*${ids[0]})(?=[^)]*${ids[1]})`,
    );
    await expect(pipeline.provider.create({ name: "gyana-dup", adopt: true })).rejects.toThrow(
      both,
    );
    await expect(pipeline.provider.create({ name: "gyana-dup" })).rejects.toThrow(both);
    await expect(
      coupling.provider.create({ app: "gyana-piped", pipeline: "gyana-dup", stage: "staging" }),
    ).rejects.toThrow(both);
    expect([...emu.state.pipelines.values()].filter((p) => p.name === "gyana-dup")).toHaveLength(2);
    for (const id of ids) emu.state.pipelines.delete(id);
  });

  it("refuses to rename a pipeline onto a name another pipeline has", async () => {
    const a = await pipeline.provider.create({ name: "gyana-a" });
    const b = await pipeline.provider.create({ name: "gyana-b" });
    await expect(pipeline.provider.update!(a.id, a.outs, { name: "gyana-b" })).rejects.toThrow(
      `cannot rename Heroku pipeline \`gyana-a\` to \`gyana-b\`: pipeline ${b.id} already has that name`,
    );
    await pipeline.provider.delete!(a.id, a.outs);
    await pipeline.provider.delete!(b.id, b.outs);
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
