// The emulated engine on its own, with a file-backed dynamic resource: the step rules it must
// share with `pulumi up` (create, same, update, replace, delete order, protect, retainOnDelete,
// refresh, secret outputs) before it is trusted with the real program.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, describe, expect, it } from "vitest";
import { emulatedDestroy, emulatedUp, type EngineState } from "../../tools/emulatedUp";
import { FileThing, readCloud } from "./fixtures/fileThing";
import { failedUp } from "./harness";

interface Decl {
  name: string;
  key: string;
  value: string;
  secret?: string;
  dependsOnFirst?: boolean;
  protect?: boolean;
  retainOnDelete?: boolean;
  fail?: "refuse" | "partial" | "partialWithoutProvider";
  additionalSecretOutputs?: string[];
}

const stores: string[] = [];
afterAll(() => {
  for (const dir of stores) fs.rmSync(dir, { recursive: true, force: true });
});

function tmpStore(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "engine-"));
  stores.push(dir);
  return path.join(dir, "cloud.json");
}

async function up(store: string, decls: Decl[], state?: EngineState, refresh = false) {
  return emulatedUp({
    stack: "test",
    config: {},
    secretKeys: [],
    state,
    refresh,
    program: () => {
      const outputs: Record<string, unknown> = {};
      let first: FileThing | undefined;
      for (const d of decls) {
        const thing: FileThing = new FileThing(
          d.name,
          {
            store,
            key: d.key,
            value: d.dependsOnFirst && first ? first.thingId : d.value,
            ...(d.secret ? { secretValue: pulumi.secret(d.secret) } : {}),
            ...(d.fail ? { fail: d.fail } : {}),
          },
          {
            protect: d.protect ?? false,
            retainOnDelete: d.retainOnDelete ?? false,
            ...(d.additionalSecretOutputs
              ? { additionalSecretOutputs: d.additionalSecretOutputs }
              : {}),
          },
        );
        first ??= thing;
        outputs[d.name] = thing.value;
        outputs[`${d.name}Secret`] = thing.secretValue;
        outputs[`${d.name}Id`] = thing.thingId;
      }
      return outputs;
    },
  });
}

const ops = (steps: { op: string; name: string }[]) => steps.map((s) => `${s.op} ${s.name}`);

describe("emulated engine", () => {
  it("creates on a fresh stack and changes nothing on a second run", async () => {
    const store = tmpStore();
    const first = await up(store, [
      { name: "a", key: "ka", value: "1" },
      { name: "b", key: "kb", value: "2" },
    ]);
    expect(ops(first.steps).sort()).toEqual(["create a", "create b"]);
    const second = await up(
      store,
      [
        { name: "a", key: "ka", value: "1" },
        { name: "b", key: "kb", value: "2" },
      ],
      first.state,
    );
    expect(ops(second.steps).sort()).toEqual(["same a", "same b"]);
    expect(readCloud(store).calls).toEqual(["create t1", "create t2"]);
  });

  it("updates in place, replaces create-then-delete, or delete-then-create when asked", async () => {
    const store = tmpStore();
    const s0 = (await up(store, [{ name: "a", key: "k1", value: "1" }])).state;
    const s1 = await up(store, [{ name: "a", key: "k1", value: "2" }], s0);
    expect(ops(s1.steps)).toEqual(["update a"]);
    const s2 = await up(store, [{ name: "a", key: "k2", value: "2" }], s1.state);
    expect(ops(s2.steps)).toEqual(["replace a", "delete a"]);
    expect(s2.state.resources[Object.keys(s2.state.resources)[0]!]?.id).toBe("t2");
    await up(store, [{ name: "a", key: "k3", value: "dbr" }], s2.state);
    expect(readCloud(store).calls).toEqual([
      "create t1",
      "update t1",
      "create t2",
      "delete t1",
      "delete t2",
      "create t3",
    ]);
  });

  it("deletes removed resources dependents first", async () => {
    const store = tmpStore();
    const s0 = await up(store, [
      { name: "base", key: "k", value: "1" },
      { name: "dependent", key: "d", value: "", dependsOnFirst: true },
    ]);
    expect(s0.outputs["dependent"]).toBe("t1");
    const s1 = await up(store, [], s0.state);
    expect(ops(s1.steps)).toEqual(["delete dependent", "delete base"]);
    expect(Object.keys(s1.state.resources).filter((u) => u.includes("FileThing"))).toEqual([]);
  });

  it("refuses to delete a protected resource and deletes nothing else", async () => {
    const store = tmpStore();
    const s0 = await up(store, [
      { name: "keep", key: "k", value: "1", protect: true },
      { name: "other", key: "o", value: "1" },
    ]);
    await expect(up(store, [], s0.state)).rejects.toThrow(
      /refusing to delete protected resources \(nothing was deleted\): .*keep/,
    );
    expect(readCloud(store).calls).toEqual(["create t1", "create t2"]);
  });

  it("refuses to replace a protected resource", async () => {
    const store = tmpStore();
    const s0 = await up(store, [{ name: "keep", key: "k", value: "1", protect: true }]);
    await expect(
      up(store, [{ name: "keep", key: "k2", value: "1", protect: true }], s0.state),
    ).rejects.toThrow(/is protected and cannot be replaced \(changes to key\)/);
  });

  it("drops a retainOnDelete resource from state without deleting it", async () => {
    const store = tmpStore();
    const s0 = await up(store, [{ name: "kept", key: "k", value: "1", retainOnDelete: true }]);
    const s1 = await up(store, [], s0.state);
    expect(ops(s1.steps)).toEqual(["retain kept"]);
    expect(readCloud(store).things["t1"]).toBeDefined();
    expect(Object.values(s1.state.resources).filter((r) => r.custom)).toEqual([]);
  });

  it("refresh reads first: drift is updated back, a vanished resource is recreated", async () => {
    const store = tmpStore();
    const s0 = await up(store, [
      { name: "drifted", key: "k", value: "1" },
      { name: "vanished", key: "v", value: "1" },
    ]);
    const cloud = readCloud(store);
    cloud.things["t1"]!.value = "changed by hand";
    delete cloud.things["t2"];
    fs.writeFileSync(store, JSON.stringify(cloud));
    const s1 = await up(
      store,
      [
        { name: "drifted", key: "k", value: "1" },
        { name: "vanished", key: "v", value: "1" },
      ],
      s0.state,
      true,
    );
    expect(s1.refreshed.map((r) => [r.kind, r.keys])).toEqual(
      expect.arrayContaining([
        ["changed", ["value"]],
        ["gone", []],
      ]),
    );
    expect(ops(s1.steps).sort()).toEqual(["create vanished", "update drifted"]);
    expect(readCloud(store).things["t1"]?.value).toBe("1");
  });

  it("keeps outputs of secret inputs secret", async () => {
    const store = tmpStore();
    const run = await up(store, [{ name: "s", key: "k", value: "plain", secret: "hush" }]);
    expect(run.outputs["sSecret"]).toBe("hush");
    expect(run.maskedOutputs["sSecret"]).toBe("[secret]");
    expect(run.maskedOutputs["s"]).toBe("plain");
  });

  it("destroy deletes everything and refuses protected resources", async () => {
    const store = tmpStore();
    const s0 = await up(store, [{ name: "a", key: "k", value: "1" }]);
    const destroyed = await emulatedDestroy({ state: s0.state });
    expect(ops(destroyed.steps)).toEqual(["delete a"]);
    const s1 = await up(store, [{ name: "p", key: "k", value: "1", protect: true }]);
    await expect(emulatedDestroy({ state: s1.state })).rejects.toThrow(/refusing to delete/);
  });

  it("refuses the import option on a dynamic resource, as Pulumi does (pulumi/pulumi#16175)", async () => {
    const store = tmpStore();
    await expect(
      emulatedUp({
        stack: "test",
        config: {},
        secretKeys: [],
        program: () => {
          new FileThing("imported", { store, key: "k", value: "1" }, { import: "t1" });
          return {};
        },
      }),
    ).rejects.toThrow("Pulumi cannot import dynamic provider resources (pulumi/pulumi#16175)");
  });

  it("imports a real provider's resource declared with an import id: an import step, the id kept, no create", async () => {
    class Bucket extends pulumi.CustomResource {}
    const program = (importId?: string) => () => {
      new Bucket(
        "gcp:storage/bucket:Bucket",
        "uploads",
        { name: "gyana-app" },
        importId ? { import: importId } : {},
      );
      return {};
    };
    const run = (importId: string | undefined, state?: EngineState) =>
      emulatedUp({ stack: "test", config: {}, secretKeys: [], program: program(importId), state });
    const first = await run("gyana-app");
    expect(ops(first.steps)).toEqual(["import uploads"]);
    expect(first.resources[0]?.importId).toBe("gyana-app");
    expect(Object.values(first.state.resources)[0]?.id).toBe("gyana-app");
    // In state now: the import id (kept or removed) changes nothing, as in Pulumi.
    expect(ops((await run("gyana-app", first.state)).steps)).toEqual(["same uploads"]);
    expect(ops((await run(undefined, first.state)).steps)).toEqual(["same uploads"]);
    // Without an import id, a fresh stack creates it.
    expect(ops((await run(undefined)).steps)).toEqual(["create uploads"]);
  });

  it("marks outputs listed in additionalSecretOutputs secret, as the engine does", async () => {
    const store = tmpStore();
    const run = await up(store, [
      { name: "s", key: "k", value: "v", additionalSecretOutputs: ["thingId"] },
    ]);
    expect(run.outputs["sId"]).toBe("t1");
    expect(run.maskedOutputs["sId"]).toBe("[secret]");
    expect(Object.values(run.state.resources).find((r) => r.name === "s")?.secretKeys).toEqual([
      "thingId",
    ]);
  });
});

describe("emulated engine: failed creates and updates (provider_plugin.go parseError)", () => {
  const thingOf = (state: EngineState) =>
    Object.values(state.resources).find((r) => r.type.endsWith(":FileThing"));

  it("a refused create saves nothing and shows the provider's message", async () => {
    const store = tmpStore();
    const error = await failedUp(up(store, [{ name: "a", key: "k", value: "1", fail: "refuse" }]));
    expect(error.message).toMatch(/create of t1 refused/);
    expect(thingOf(error.state)).toBeUndefined();
    const next = await up(store, [{ name: "a", key: "k", value: "1" }], error.state);
    expect(ops(next.steps)).toEqual(["create a"]);
  });

  it("a partial create is saved with its id and init errors; the next up updates it, changed or not", async () => {
    const store = tmpStore();
    const error = await failedUp(up(store, [{ name: "a", key: "k", value: "1", fail: "partial" }]));
    // The engine shows the reasons only (InitError), not the error's message.
    expect(error.message).toContain("1 error occurred:\n\t* create of t1 half done");
    expect(error.message).not.toContain("refused");
    const saved = thingOf(error.state)!;
    expect(saved).toMatchObject({ id: "t1", initErrors: ["create of t1 half done"] });
    expect(saved.outputs["__provider"]).toBe(saved.inputs["__provider"]);

    const next = await up(store, [{ name: "a", key: "k", value: "1" }], error.state);
    expect(next.steps.map((s) => [s.op, s.name, s.changes])).toEqual([["update", "a", []]]);
    expect(thingOf(next.state)?.initErrors).toBeUndefined();
    expect(readCloud(store).calls).toEqual(["create t1", "update t1"]);
    const quiet = await up(store, [{ name: "a", key: "k", value: "1" }], next.state);
    expect(ops(quiet.steps)).toEqual(["same a"]);
  });

  it("a partial create whose properties lack __provider leaves a resource refresh and destroy cannot load", async () => {
    const store = tmpStore();
    const error = await failedUp(
      up(store, [{ name: "a", key: "k", value: "1", fail: "partialWithoutProvider" }]),
    );
    expect(thingOf(error.state)?.outputs["__provider"]).toBeUndefined();
    await expect(emulatedDestroy({ state: error.state })).rejects.toThrow(/code must be a string/);
    await expect(up(store, [], error.state, true)).rejects.toThrow(/code must be a string/);
  });

  it("a refused update keeps the old state; a partial one saves the error's properties", async () => {
    const store = tmpStore();
    const first = await up(store, [{ name: "a", key: "k", value: "1" }]);
    const refused = await failedUp(
      up(store, [{ name: "a", key: "k", value: "2", fail: "refuse" }], first.state),
    );
    expect(refused.message).toMatch(/update of t1 refused/);
    expect(thingOf(refused.state)).toEqual(thingOf(first.state));

    const partial = await failedUp(
      up(store, [{ name: "a", key: "k", value: "2", fail: "partial" }], first.state),
    );
    expect(thingOf(partial.state)).toMatchObject({
      id: "t1",
      outputs: { value: "2", thingId: "t1" },
      initErrors: ["update of t1 half done"],
    });
  });
});
