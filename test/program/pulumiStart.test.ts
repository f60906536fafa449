// How `pulumi preview` and `pulumi up` start the program: Pulumi's Node.js host compiles index.ts
// with ts-node, type-checking first unless the tsconfig named in Pulumi.yaml has `noCheck`
// (@pulumi/pulumi cmd/run/run.js). Type checking belongs to `npm run lint`; a preview should not
// pay for it on every run. The last two tests start the program through Pulumi's own cmd/run and
// run a provider as that start serialized it in Pulumi's dynamic provider host.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { readProjectRuntime, runAsPulumiHost } from "../../tools/pulumiHost";
import { planMocks } from "../../tools/runStack";
import { readStackFile } from "../../tools/stackFile";
import type { RegisteredResource } from "../../tools/mockRuntime";
import { startE2eEnvironment } from "../../tools/e2e/run";
import { throughHost } from "../support/hostedProvider";
import { runTestStack, testSecrets } from "../support/stack";

const ROOT = join(__dirname, "..", "..");
const fromPulumi = createRequire(join(ROOT, "node_modules/@pulumi/pulumi/package.json"));
// The function cmd/run uses to read the tsconfig it passes to ts-node.
const { loadTypeScriptCompilerOptions } = fromPulumi("./tsutils.js") as {
  loadTypeScriptCompilerOptions(path: string): Record<string, unknown>;
};

/** tsconfig.json's effective compiler options, as tsc (`npm run lint`) reads them. */
function lintCompilerOptions(): ts.CompilerOptions {
  const parsed = ts.getParsedCommandLineOfConfigFile(join(ROOT, "tsconfig.json"), undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    },
  });
  if (!parsed) throw new Error("tsconfig.json could not be read");
  return parsed.options;
}

describe("the program start of pulumi preview and up", () => {
  // What Pulumi's own start registered (the next-to-last test), for the last.
  let started: RegisteredResource[] = [];

  it("Pulumi.yaml names a tsconfig with noCheck, so the host registers ts-node transpile-only", () => {
    const runtime = readProjectRuntime();
    expect(runtime.typescript).toBe(true);
    expect(runtime.tsconfig).toBe("tsconfig.pulumi.json");
    const hostOptions = loadTypeScriptCompilerOptions(join(ROOT, runtime.tsconfig!));
    expect(hostOptions["noCheck"]).toBe(true);
  });

  it("the host compiles with tsconfig.json's module settings, not its own nodenext defaults", () => {
    // run.js spreads the named file's own compilerOptions (not what it extends) over
    // { target: ES2020, module: nodenext, moduleResolution: nodenext }.
    const hostOptions = loadTypeScriptCompilerOptions(
      join(ROOT, readProjectRuntime().tsconfig!),
    ) as Record<string, string>;
    const lint = lintCompilerOptions();
    const parsed = ts.convertCompilerOptionsFromJson(hostOptions, ROOT).options;
    expect(parsed.module).toBe(lint.module);
    expect(parsed.moduleResolution).toBe(lint.moduleResolution);
    expect(parsed.target).toBe(lint.target);
  });

  it("npm run lint keeps the full type check, and every file compiles on its own", () => {
    const lint = lintCompilerOptions();
    expect(lint.noCheck).toBeUndefined();
    expect(lint.isolatedModules).toBe(true);
    const scripts = (
      JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
        scripts: Record<string, string>;
      }
    ).scripts;
    expect(scripts["lint"]).toContain("tsc --noEmit -p .");
  });

  it("Pulumi's own cmd/run starts index.ts for prod and declares what the offline plan shows", async () => {
    // Real (test) secrets, as a preview has: the offline plan's stand-ins are honoured only
    // inside the offline plan's own process (config/offlineStandIns.ts), not in a real run.
    const secrets = {
      ...(await testSecrets()),
      "gyana:secretKey": "s".repeat(60),
      "gyana:hashidsSalt": "h".repeat(32),
    };
    const file = readStackFile("prod", { secrets });
    const hosted = await runAsPulumiHost({
      stack: "prod",
      config: file.config,
      secretKeys: file.secretKeys,
      preview: true,
      onResource: planMocks,
    });
    expect(hosted.stderr).toBe("");
    expect(hosted.code).toBe(0);
    expect(hosted.logs.filter((log) => log.severity >= 3)).toEqual([]);
    const [root, ...declared] = hosted.resources;
    started = declared;
    expect(root).toMatchObject({ type: "pulumi:pulumi:Stack", name: "gyana-prod" });
    const plan = await runTestStack("prod", { secrets });
    const names = (resources: { type: string; name: string }[]) =>
      resources.map((r) => `${r.type} ${r.name}`).sort();
    expect(names(declared)).toEqual(names(plan.resources));
    // What lands in state is the provider code as this start serializes it (ts-node's output, not
    // vitest's or tsx's): each stays under the bound of test/heroku/serializedProviders.test.ts,
    // far from the hundreds of KB of an accidentally captured module (pulumi/pulumi#13960).
    const oversized = declared
      .map((r) => ({ type: r.type, provider: (r.inputs as Record<string, unknown>)["__provider"] }))
      .filter((r) => typeof r.provider === "string" && Buffer.byteLength(r.provider) >= 60_000)
      .map((r) => r.type);
    expect(declared.some((r) => r.type.startsWith("pulumi-nodejs:dynamic/"))).toBe(true);
    expect(oversized).toEqual([]);
    // A separate Node process that loads Pulumi and compiles the program: give a busy machine time.
  }, 180_000);

  it("a provider as that start serialized it (ts-node's output, not vitest's) runs in Pulumi's host", async () => {
    const app = started.find((r) => r.type === "pulumi-nodejs:dynamic/heroku:App");
    expect(app).toBeDefined();
    expect(String(app!.inputs["__provider"])).not.toContain("__vite_ssr");
    const provider = throughHost({ resource: app!, serialized: String(app!.inputs["__provider"]) });
    const emulators = await startE2eEnvironment();
    try {
      // The check helpers (inputChecks) and the client's classes (herokuClientClasses) at work.
      const checked = await provider.check({}, { name: "Not-An-App", region: "eu" });
      expect(checked.failures.map((f) => f.property)).toEqual(["name"]);
      const live = emulators.heroku.state.createApp({ name: "gyana-start", region: "eu" });
      const read = await provider.read(live.id, { name: "gyana-start", region: "eu" });
      expect(read.props).toMatchObject({ name: "gyana-start", appId: live.id, region: "eu" });
      const missing = await provider.read("01234567-89ab-cdef-0123-456789abcdef", {
        name: "gyana-gone",
        region: "eu",
      });
      expect(missing.id).toBe("");
    } finally {
      await emulators.close();
    }
  });
});
