// Two resources with the same URN: Pulumi refuses the second registration with "Duplicate
// resource URN '<urn>'; try giving it a unique name" (pulumi/pulumi sdk/go/common/diag/errors.go,
// raised by pkg/resource/deploy/step_generator.go generateURN) and the run fails. The mock runtime
// behind the offline plan and the emulated up must do the same instead of listing both.
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { emulatedUp } from "../../tools/emulatedUp";
import { runUnderMocks } from "../../tools/mockRuntime";

class Bucket extends pulumi.CustomResource {
  constructor(name: string, opts?: pulumi.CustomResourceOptions) {
    super("gcp:storage/bucket:Bucket", name, { name }, opts);
  }
}

const URN = "urn:pulumi:test::gyana::gcp:storage/bucket:Bucket::uploads";
const MESSAGE = `Duplicate resource URN '${URN}'; try giving it a unique name`;

describe("a second registration with the same URN", () => {
  it("fails the mock run with Pulumi's message, and no step runs after it", async () => {
    const stepped: string[] = [];
    const run = runUnderMocks({
      project: "gyana",
      stack: "test",
      config: {},
      secretKeys: [],
      onResource: (r) => {
        stepped.push(r.name);
        return { id: `${r.name}-id`, state: r.inputs };
      },
      program: () => {
        new Bucket("uploads");
        new Bucket("uploads");
        new Bucket("exports");
        return {};
      },
    });
    await expect(run).rejects.toThrow(MESSAGE);
    expect(stepped).toEqual(["uploads"]);
  });

  it("fails the emulated up, whose state then holds only what ran before", async () => {
    const run = emulatedUp({
      stack: "test",
      config: {},
      secretKeys: [],
      program: () => {
        new Bucket("uploads");
        new Bucket("uploads", { protect: true });
        return {};
      },
    });
    await expect(run).rejects.toThrow(MESSAGE);
  });

  it("is allowed under another parent or type (a different URN)", async () => {
    const run = await runUnderMocks({
      project: "gyana",
      stack: "test",
      config: {},
      secretKeys: [],
      program: () => {
        const parent = new pulumi.ComponentResource("gyana:test:Group", "group");
        new Bucket("uploads");
        new Bucket("uploads", { parent });
        return {};
      },
    });
    expect(run.resources.map((r) => r.urn)).toEqual([
      "urn:pulumi:test::gyana::gyana:test:Group::group",
      URN,
      "urn:pulumi:test::gyana::gyana:test:Group$gcp:storage/bucket:Bucket::uploads",
    ]);
  });
});
