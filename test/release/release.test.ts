// `npm run release` end to end, in-process, against the Heroku emulator: the gyana pipeline with
// gyana-release (staging) and gyana-beta (production), and a second pipeline that must not mix.
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { npmScript, ROOT } from "../support/npmScript";
import { useReleaseWorld } from "./harness";

const world = useReleaseWorld();
const { release, staging, prod, writes, releasePhase } = world;

describe("dry run", () => {
  it("prints the source's release and slug, the target's current release and the steps, and changes nothing", async () => {
    const run = await release(["--from", "staging", "--to", "prod"]);
    expect(run.code).toBe(0);
    const source = staging().releases.at(-1)!;
    const target = prod().releases.at(-1)!;
    const text = run.out.join("\n");
    expect(text).toContain("Release plan: gyana-release → gyana-beta (pipeline gyana, ");
    expect(text).toContain(
      `source: gyana-release [staging] newest release v${source.version} (id ${source.id}) "Deploy 9c3f0b4"`,
    );
    expect(text).toContain(`slug ${source.slug!.id}`);
    expect(text).toContain(
      `target: gyana-beta [production] current release v${target.version} (id ${target.id}) "Deploy 5d1e2a7"`,
    );
    expect(text).toContain(
      `1. promote gyana-release v${source.version} (slug ${source.slug!.id}) to gyana-beta through pipeline gyana: the same build, not rebuilt`,
    );
    expect(text).not.toContain("POST ");
    expect(text).toContain(
      `To undo it afterwards (reverses the migrations it applies, then the code): npm run rollback -- --stack prod --to ${target.version}`,
    );
    expect(text).toContain(
      "Until the release is done and checked: merge nothing to main, and approve no waiting Up " +
        "deployment (an Up that changes config vars makes a release whose release phase runs " +
        "migrate).",
    );
    expect(text).not.toContain("WARNING");
    expect(run.err).toContain(
      "Dry run: nothing was changed. Add --execute to carry out these steps.",
    );
    expect(world.emu().writes()).toBe(0);
  });
});

describe("the entry point", () => {
  it("talks to the API at HEROKU_API_URL with HEROKU_API_KEY, as `npm run release` runs it", async () => {
    const child = spawn(...npmScript("release", ["--from", "staging", "--to", "prod"]), {
      cwd: ROOT,
      env: { ...process.env, HEROKU_API_KEY: world.emu().token, HEROKU_API_URL: world.emu().url },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(stderr).toBe("Dry run: nothing was changed. Add --execute to carry out these steps.\n");
    expect(code).toBe(0);
    expect(stdout).toContain("Release plan: gyana-release → gyana-beta (pipeline gyana, ");
    expect(world.emu().writes()).toBe(0);
  });
});

describe("--execute", () => {
  it("promotes the planned staging release, waits for prod's release phase and prints the new version", async () => {
    releasePhase(2, "succeeded");
    const before = prod().releases.length;
    const source = staging().releases.at(-1)!;
    const run = await release(["--from", "staging", "--to", "prod", "--execute", "--yes"]);
    expect(run.err.filter((l) => /^(error|refused)/.test(l))).toEqual([]);
    expect(run.code).toBe(0);
    expect(writes()).toEqual([
      `POST /pipeline-promotions ${JSON.stringify({
        pipeline: {
          id: [...world.emu().state.pipelines.values()].find((p) => p.name === "gyana")!.id,
        },
        source: { app: { id: staging().id }, release: { id: source.id } },
        targets: [{ app: { id: prod().id } }],
      })}`,
    ]);
    const created = prod().releases.at(-1)!;
    expect(prod().releases).toHaveLength(before + 1);
    expect(created).toMatchObject({
      status: "succeeded",
      description: `Promote gyana-release v${source.version}`,
    });
    expect(created.slug?.id).toBe(source.slug?.id);
    // Each waiting line says how long it has waited and when it gives up.
    expect(run.err).toContain("  promotion pending, waiting (0s so far; gives up at 19:20:00Z)");
    expect(run.err).toContain(
      `  gyana-beta v${created.version} is pending (release phase), waiting (0s so far; gives up at 19:20:01Z)`,
    );
    expect(run.err).toContain(
      `  gyana-beta v${created.version} is pending (release phase), waiting (1s so far; gives up at 19:20:01Z)`,
    );
    const previous = prod().releases[before - 1]!;
    expect(run.out.slice(-3)).toEqual([
      `Released gyana-beta v${created.version} (id ${created.id}) "Promote gyana-release v${source.version}", ` +
        `created ${created.createdAt.toISOString().replace(/\.\d{3}Z$/, "Z")}, succeeded, slug ${source.slug!.id}`,
      `If the smoke test fails, undo it with: npm run rollback -- --stack prod --to ${previous.version}`,
      "Until the smoke test passes: merge nothing to main, and approve no waiting Up deployment.",
    ]);
    // The staging app is untouched: nothing was rebuilt there.
    expect(staging().releases.at(-1)!.id).toBe(source.id);
  });

  it("with --maintenance turns it on for prod and restores it after", async () => {
    const run = await release([
      "--from",
      "staging",
      "--to",
      "prod",
      "--execute",
      "--yes",
      "--maintenance",
    ]);
    expect(run.code).toBe(0);
    const w = writes();
    expect(w[0]).toBe('PATCH /apps/gyana-beta {"maintenance":true}');
    expect(w[1]).toMatch(/^POST \/pipeline-promotions /);
    expect(w.at(-1)).toBe('PATCH /apps/gyana-beta {"maintenance":false}');
    expect(prod().maintenance).toBe(false);
  });

  it("reports a failed release phase, leaves maintenance on and points at the rollback", async () => {
    releasePhase(1, "failed");
    const run = await release([
      "--from",
      "staging",
      "--to",
      "prod",
      "--execute",
      "--yes",
      "--maintenance",
    ]);
    expect(run.code).toBe(1);
    const failed = prod().releases.at(-1)!;
    const previous = failed.version - 1;
    expect(run.err.slice(-3)).toEqual([
      "Maintenance mode is still ON for gyana-beta: the release did not finish, and a release " +
        "phase that failed may have applied part of its migrations under the code still " +
        "running. Roll back (below), or, once you are sure the site is safe to serve, turn it " +
        "off: heroku maintenance:off --app gyana-beta",
      `error: gyana-beta's release v${failed.version} is failed: its release phase failed, so Heroku ` +
        `kept the previous release running. See heroku releases:output v${failed.version} --app gyana-beta`,
      `Migrations the release phase applied before it stopped stay applied. To reverse them and ` +
        `return gyana-beta to v${previous}: npm run rollback -- --stack prod --to ${previous}`,
    ]);
    expect(prod().maintenance).toBe(true);
  });

  it("refuses a new release whose id is not a uuid instead of polling another path", async () => {
    // Percent-encoded, `..` stays `..`, and `/apps/gyana-beta/releases/..` is read as
    // `/apps/gyana-beta/`: the app's own answer, taken for the release's.
    world.emu().faults.inject({
      method: "GET",
      path: "/pipeline-promotions/{pipeline_promotion}/promotion-targets",
      status: 200,
      times: Infinity,
      body: [
        {
          app: { id: prod().id },
          error_message: null,
          id: "7b0b9b8e-7c7e-4c55-9e55-3c1c7d0e8d11",
          pipeline_promotion: { id: "0c8f3c34-2c9d-4c1e-8d7e-5a1b2c3d4e5f" },
          release: { id: ".." },
          status: "succeeded",
        },
      ],
    });
    const run = await release(["--from", "staging", "--to", "prod", "--execute", "--yes"]);
    expect(run.code).toBe(1);
    expect(run.err).toContain(
      'error: Heroku API returned ".." as the id of the new release of gyana-beta; expected a uuid',
    );
    const reads = world.emu().requests.filter((r) => r.method === "GET");
    expect(reads.filter((r) => r.path.startsWith("/apps/gyana-beta/releases/"))).toEqual([]);
    expect(reads.at(-1)!.path).toMatch(/^\/pipeline-promotions\/[0-9a-f-]+\/promotion-targets$/);
  });

  it("refuses without --yes when there is no terminal, changing nothing", async () => {
    const run = await release(["--from", "staging", "--to", "prod", "--execute"]);
    expect(run.code).toBe(1);
    expect(run.err.at(-1)).toContain("refused: stdin is not a terminal");
    expect(world.emu().writes()).toBe(0);
  });
});

describe("refusals", () => {
  it("refuses apps in different pipelines, changing nothing", async () => {
    const run = await release([
      "--from-app",
      "gyana-sandbox",
      "--to",
      "prod",
      "--execute",
      "--yes",
    ]);
    expect(run.code).toBe(1);
    expect(run.err.at(-1)).toMatch(
      /^refused: gyana-sandbox \(pipeline [0-9a-f-]+\) and gyana-beta \(pipeline [0-9a-f-]+\) are not in the same pipeline, so a promotion cannot carry the slug between them$/,
    );
    expect(world.emu().writes()).toBe(0);
  });

  it("refuses an app that is in no pipeline", async () => {
    world.emu().state.createApp({ name: "gyana-dev", region: "eu" });
    const run = await release(["--from", "dev", "--to", "prod"]);
    expect(run.code).toBe(1);
    expect(run.err.at(-1)).toBe("refused: gyana-dev is not in a pipeline");
  });

  it("refuses when staging's newest release is not succeeded", async () => {
    const newest = staging().releases.at(-1)!;
    newest.status = "failed";
    const run = await release(["--from", "staging", "--to", "prod", "--execute", "--yes"]);
    expect(run.code).toBe(1);
    expect(run.err.at(-1)).toBe(
      `refused: gyana-release's newest release v${newest.version} is failed, not succeeded: a ` +
        "deploy there is still running or has failed, so it is not the build QA signed off. " +
        "Promote once its newest release has succeeded.",
    );
    expect(world.emu().writes()).toBe(0);
  });

  it("rejects the same app on both sides and missing arguments, with the usage", async () => {
    const same = await release(["--from", "prod", "--to-app", "gyana-beta"]);
    expect(same.code).toBe(2);
    expect(same.err[0]).toMatch(
      /^error: the source and target are the same app \(gyana-beta\)\n\nUsage:/,
    );
    const missing = await release(["--from", "staging"]);
    expect(missing.code).toBe(2);
    expect(missing.err[0]).toMatch(/^error: give --to <stack> \(or --to-app <name>\)\n\nUsage:/);
    const both = await release([
      "--from",
      "staging",
      "--from-app",
      "gyana-sandbox",
      "--to",
      "prod",
    ]);
    expect(both.code).toBe(2);
    expect(both.err[0]).toMatch(
      /^error: give --from or --from-app, not both: --from staging and --from-app gyana-sandbox could name different apps\n\nUsage:/,
    );
    const unknown = await release(["--from", "qa", "--to", "prod"]);
    expect(unknown.code).toBe(2);
    expect(unknown.err[0]).toMatch(
      /^error: unknown stack "qa"; allowed: dev, staging, prod \(or pass --from-app <name>\)\n\nUsage:/,
    );
    for (const [option, hostile] of [
      ["--to-app", ".."],
      ["--from-app", "gyana-release/releases"],
    ] as const) {
      const other = option === "--to-app" ? ["--from", "staging"] : ["--to", "prod"];
      const run = await release([...other, option, hostile]);
      expect(run.code).toBe(2);
      expect(run.err[0]).toContain(
        `error: ${option} ${JSON.stringify(hostile)} is not a Heroku app; allowed: an app name`,
      );
    }
    expect(world.emu().requests).toEqual([]);
  });
});
