// Heroku's dyno tier rules (config/dynoTiers.ts, sources there): the stack config is refused
// before any resource, naming the key, when a formation would be refused by Heroku.
import { describe, expect, it } from "vitest";
import { ConfigError, loadStackConfig } from "../../config/load";
import { tierOf, tierProblems } from "../../config/dynoTiers";
import { configSourceOf, readStackFile } from "../../tools/stackFile";
import { testSecrets } from "../support/stack";

describe("tierOf", () => {
  it.each([
    ["eco", "eco"],
    ["Basic", "basic"],
    ["standard-1X", "standard"],
    ["standard-2x", "standard"],
    ["performance-l-ram", "performance"],
    ["private-s", "private"],
    ["huge", undefined],
  ])("%s is %s", (size, tier) => {
    expect(tierOf(size)).toBe(tier);
  });
});

describe("tierProblems", () => {
  it("accepts every stack's formation and a standard + performance mix", () => {
    for (const stack of ["dev", "staging", "prod"]) {
      const heroku = JSON.parse(readStackFile(stack).config["gyana:heroku"]!) as {
        formation: Record<string, { quantity: number; size: string }>;
      };
      expect(tierProblems(heroku.formation), stack).toEqual([]);
    }
    expect(
      tierProblems({
        web: { quantity: 3, size: "performance-m" },
        worker: { quantity: 2, size: "standard-2x" },
      }),
    ).toEqual([]);
  });

  it("refuses Basic next to another tier, naming each running type on the other tier", () => {
    const problems = tierProblems({
      web: { quantity: 1, size: "basic" },
      worker: { quantity: 1, size: "standard-1x" },
      beat: { quantity: 0, size: "performance-m" },
    });
    expect(problems).toEqual([expect.objectContaining({ type: "worker", field: "size" })]);
    expect(problems[0]!.reason).toMatch(/^cannot run next to Basic dynos \(web: basic\)/);
  });

  it("refuses two Basic dynos of one type, three Eco dynos, and eleven performance dynos of one type", () => {
    expect(tierProblems({ web: { quantity: 2, size: "basic" } })).toEqual([
      expect.objectContaining({ type: "web", field: "quantity" }),
    ]);
    expect(
      tierProblems({
        web: { quantity: 1, size: "eco" },
        worker: { quantity: 1, size: "eco" },
        beat: { quantity: 1, size: "eco" },
      }),
    ).toEqual([
      expect.objectContaining({
        field: "formation",
        reason: expect.stringMatching(/^runs 3 Eco dynos/),
      }),
    ]);
    expect(tierProblems({ web: { quantity: 11, size: "performance-l" } })).toEqual([
      expect.objectContaining({ type: "web", field: "quantity" }),
    ]);
  });

  it("ignores a type scaled to 0", () => {
    expect(
      tierProblems({
        web: { quantity: 1, size: "basic" },
        worker: { quantity: 0, size: "standard-2x" },
      }),
    ).toEqual([]);
  });
});

describe("the stack config", () => {
  it("is refused with every tier problem, each naming its key, before any resource", async () => {
    const heroku = JSON.parse(readStackFile("dev").config["gyana:heroku"]!) as Record<
      string,
      unknown
    >;
    heroku["formation"] = {
      web: { quantity: 2, size: "basic" },
      worker: { quantity: 1, size: "standard-1x" },
      // Every Procfile type must be declared; scaled to 0 it takes no part in the tier rules.
      priority: { quantity: 0, size: "basic" },
      beat: { quantity: 1, size: "basic" },
    };
    const file = readStackFile("dev", {
      secrets: await testSecrets(),
      overrides: { "gyana:heroku": JSON.stringify(heroku) },
    });
    let problems: string[] = [];
    try {
      loadStackConfig(configSourceOf(file), "dev");
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems = error.problems;
    }
    expect(problems).toEqual([
      'gyana:heroku.formation.worker.size: "standard-1x" is not allowed; it cannot run next to Basic dynos (web: basic, beat: basic): an app on Eco or Basic dynos uses that tier for every running process type; allowed: all eco, all basic, or any mix of standard-1x, standard-2x and performance-*',
      "gyana:heroku.formation.web.quantity: 2 is not allowed; it is more than one Basic dyno: apps on Eco or Basic dynos run only one dyno per process type; allowed: 0 or 1 (or a standard or performance size)",
    ]);
  });
});
