// The release command as an operator meets it at 2 a.m.: a promotion the wrong way round is
// called out, the plan can be read by a program, API detail only on request, help like the
// other commands, and a second factor when Heroku asks for one.
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { HerokuClient, type HerokuApiError } from "../../providers/heroku/client";
import { RELEASE_USAGE } from "../../tools/release/args";
import { npmScript, ROOT } from "../support/npmScript";
import { useReleaseWorld } from "./harness";

const world = useReleaseWorld();
const { release, staging, prod, writes } = world;

describe("the plan", () => {
  it("warns about a promotion backwards, from production to staging, and says so in the question", async () => {
    const plan = await release(["--from", "prod", "--to", "staging"]);
    expect(plan.code).toBe(0);
    expect(plan.out.join("\n")).toContain(
      "WARNING: this promotes BACKWARDS, from gyana-beta [production] to gyana-release " +
        "[staging]: gyana-release would run gyana-beta's code. Promotions go development → " +
        "staging → production; check --from and --to.",
    );
    const asked = await release(["--from", "prod", "--to", "staging", "--execute"], {
      interactive: true,
      answers: ["no"],
    });
    expect(asked.asked[0]).toMatch(/^Promote BACKWARDS gyana-beta v\d+ to gyana-release\? /);
    expect(asked.code).toBe(1);
    expect(world.emu().writes()).toBe(0);
  });

  it("shows the API calls behind the steps only with --verbose", async () => {
    const plain = await release(["--from", "staging", "--to", "prod"]);
    expect(plain.out.join("\n")).not.toContain("/pipeline-promotions");
    const verbose = await release(["--from", "staging", "--to", "prod", "--verbose"]);
    expect(verbose.out.join("\n")).toMatch(
      /1\. promote gyana-release v\d+ \(slug [0-9a-f-]+\) to gyana-beta through pipeline gyana: the same build, not rebuilt \(POST \/pipeline-promotions\)/,
    );
  });

  it("prints exactly one JSON document with --json, and refuses --json with --execute", async () => {
    const run = await release(["--from", "staging", "--to", "prod", "--json"]);
    expect(run.code).toBe(0);
    expect(run.out).toHaveLength(1);
    const doc = JSON.parse(run.out[0]!) as Record<string, unknown>;
    const source = staging().releases.at(-1)!;
    const target = prod().releases.at(-1)!;
    expect(Object.keys(doc)).toEqual(["source", "target", "pipeline", "steps", "undo", "warnings"]);
    expect(doc).toMatchObject({
      source: {
        app: "gyana-release",
        stage: "staging",
        release: {
          id: source.id,
          version: source.version,
          status: "succeeded",
          slug: source.slug!.id,
        },
      },
      target: {
        app: "gyana-beta",
        stage: "production",
        release: { id: target.id, version: target.version },
        maintenance: false,
      },
      pipeline: { name: "gyana" },
      undo: `npm run rollback -- --stack prod --to ${target.version}`,
      warnings: [],
    });
    expect(run.err).toEqual([
      "Dry run: nothing was changed. Add --execute to carry out these steps.",
    ]);
    const both = await release(["--from", "staging", "--to", "prod", "--json", "--execute"]);
    expect(both.code).toBe(2);
    expect(both.err[0]).toMatch(
      /^error: --json prints the plan only; run --execute without --json\n/,
    );
  });

  it("names the app option of the command it is in", async () => {
    const run = await release(["--from-app", "gyana-release", "--to-app", "gyana-beta"]);
    expect(run.out.join("\n")).toContain(
      `npm run rollback -- --app gyana-beta --to ${prod().releases.at(-1)!.version}`,
    );
  });
});

describe("help", () => {
  it("prints the usage on stdout and exits 0 for -h and --help", async () => {
    for (const flag of ["-h", "--help"]) {
      const run = await release([flag]);
      expect(run.code).toBe(0);
      expect(run.out).toEqual([RELEASE_USAGE]);
      expect(run.err).toEqual([]);
    }
    expect(world.emu().requests).toEqual([]);
  });
});

describe("a second factor", () => {
  const EXECUTE = ["--from", "staging", "--to", "prod", "--execute", "--yes"];
  const promotions = () =>
    world.emu().requests.filter((r) => r.route === "POST /pipeline-promotions");

  it("is refused without a terminal or a code, changing nothing, maintenance turned back off", async () => {
    world.emu().state.promotionTwoFactorCodes = new Set(["123456"]);
    const run = await release([...EXECUTE, "--maintenance"]);
    expect(run.code).toBe(1);
    expect(run.err.slice(-2)).toEqual([
      "Maintenance mode turned back off for gyana-beta: nothing was changed.",
      "refused: Heroku asks for a second factor to promote to gyana-beta (403 two_factor) and " +
        "there is no terminal to ask on: pass --two-factor-code <code> or set " +
        "HEROKU_TWO_FACTOR_CODE (a code works once). Nothing was changed.",
    ]);
    expect(promotions().map((r) => r.status)).toEqual([403]);
    expect(world.emu().state.promotions.size).toBe(0);
    expect(prod().maintenance).toBe(false);
  });

  it("is sent in Heroku-Two-Factor-Code from --two-factor-code, once, and the promotion goes ahead", async () => {
    world.emu().state.promotionTwoFactorCodes = new Set(["123456"]);
    const run = await release([...EXECUTE, "--two-factor-code", "123456"]);
    expect(run.err.filter((l) => /^(error|refused)/.test(l))).toEqual([]);
    expect(run.code).toBe(0);
    expect(promotions().map((r) => r.status)).toEqual([403, 201]);
    // The emulator accepts each code once: it was used.
    expect(world.emu().state.promotionTwoFactorCodes).toEqual(new Set());
    expect(prod().releases.at(-1)!.slug?.id).toBe(staging().releases.at(-1)!.slug?.id);
  });

  it("comes from HEROKU_TWO_FACTOR_CODE too", async () => {
    world.emu().state.promotionTwoFactorCodes = new Set(["654321"]);
    const run = await release(EXECUTE, { env: { HEROKU_TWO_FACTOR_CODE: "654321" } });
    expect(run.code).toBe(0);
    expect(promotions().map((r) => r.status)).toEqual([403, 201]);
  });

  it("is asked on a terminal, again after a wrong code", async () => {
    world.emu().state.promotionTwoFactorCodes = new Set(["123456"]);
    const run = await release(["--from", "staging", "--to", "prod", "--execute"], {
      interactive: true,
      answers: ["gyana-beta", "000000", "123456"],
    });
    expect(run.asked.slice(1)).toEqual([
      "Heroku asks for a second factor. Two-factor code: ",
      "That code was not accepted. Heroku asks for a second factor. Two-factor code: ",
    ]);
    // Both code questions, and only they, are read without echo (the confirmation is not).
    expect(run.askedWithoutEcho).toEqual(run.asked.slice(1));
    expect(run.code).toBe(0);
    expect(promotions().map((r) => r.status)).toEqual([403, 403, 201]);
  });

  it("typed on a real terminal is never echoed, and reaches Heroku", async () => {
    // `npm run release` under a pseudo-terminal (util-linux `script`), as an operator runs it:
    // whatever the terminal shows is in `screen`. The code is typed only once the question is
    // on the screen, as a person would, so the terminal's echo setting at that moment decides.
    world.emu().state.promotionTwoFactorCodes = new Set(["482916"]);
    const [node, args] = npmScript("release", [
      ...["--from", "staging", "--to", "prod", "--execute", "--yes"],
    ]);
    const command = [node, ...args].join(" ");
    const child = spawn("script", ["-q", "-e", "-c", command, "/dev/null"], {
      cwd: ROOT,
      env: { ...process.env, HEROKU_API_KEY: world.emu().token, HEROKU_API_URL: world.emu().url },
    });
    let screen = "";
    let typed = false;
    child.stdout.on("data", (chunk: Buffer) => {
      screen += chunk.toString();
      if (!typed && screen.includes("Two-factor code: ")) {
        typed = true;
        child.stdin.write("482916\r");
      }
    });
    child.stderr.on("data", (chunk: Buffer) => (screen += chunk.toString()));
    const stuck = setTimeout(() => child.kill(), 50_000);
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    clearTimeout(stuck);
    expect(screen).toContain("Heroku asks for a second factor. Two-factor code: ");
    expect(screen).not.toContain("482916");
    expect(screen).toContain("Released gyana-beta v");
    expect(code).toBe(0);
    expect(promotions().map((r) => r.status)).toEqual([403, 201]);
    expect(world.emu().state.promotionTwoFactorCodes).toEqual(new Set());
  }, 60_000);

  it("that is wrong, given without a terminal, is refused", async () => {
    world.emu().state.promotionTwoFactorCodes = new Set(["123456"]);
    const run = await release([...EXECUTE, "--two-factor-code", "999999"]);
    expect(run.code).toBe(1);
    expect(run.err.at(-1)).toMatch(
      /^refused: That code was not accepted\. Heroku asks for a second factor/,
    );
    expect(writes().filter((w) => !w.startsWith("POST /pipeline-promotions"))).toEqual([]);
    expect(world.emu().state.promotions.size).toBe(0);
  });

  it("never shows up in an error, like the token", async () => {
    world.emu().state.promotionTwoFactorCodes = new Set(["123456"]);
    const client = new HerokuClient({ token: world.emu().token, baseUrl: world.emu().url });
    const pipeline = [...world.emu().state.pipelines.values()].find((p) => p.name === "gyana")!;
    const body = {
      pipeline: { id: pipeline.id },
      source: { app: { id: staging().id } },
      targets: [{ app: { id: prod().id } }],
    };
    const error = (await client
      .post("/pipeline-promotions", body, { "Heroku-Two-Factor-Code": "999999" })
      .catch((e: unknown) => e)) as HerokuApiError;
    expect(error.status).toBe(403);
    expect(error.request.headers["heroku-two-factor-code"]).toBe("[REDACTED]");
    expect(JSON.stringify(error)).not.toContain("999999");
  });
});
