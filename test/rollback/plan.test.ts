// The pure planning core of the rollback and the pieces it shares with the release command.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { confirm, RefusedError, UsageError, type Io } from "../../tools/release/cli";
import { pollUntil } from "../../tools/release/poll";
import type { Release } from "../../tools/release/releases";
import { herokuAppForStack } from "../../tools/release/stackApp";
import { parseRollbackArgs, resumeCommand } from "../../tools/rollback/args";
import { changedConfigVarNames, configVarLines } from "../../tools/rollback/configVars";
import { checkDjangoNames, isAppLabel, isMigrationName } from "../../tools/rollback/djangoNames";
import { migrateCommand, parseVersion, planSteps, resolveTarget } from "../../tools/rollback/plan";

function release(version: number, createdAt: string, extra: Partial<Release> = {}): Release {
  return {
    id: `00000000-0000-4000-8000-${String(version).padStart(12, "0")}`,
    version,
    status: "succeeded",
    description: `Deploy v${version}`,
    created_at: createdAt,
    ...extra,
  };
}

const HISTORY = [
  release(43, "2026-11-20T15:00:00Z", { description: "Set SENDGRID_API_KEY config vars" }),
  release(40, "2026-11-10T09:00:00Z"),
  release(42, "2026-11-20T14:00:00Z"),
  release(41, "2026-11-18T10:00:00Z"),
];

describe("choosing the cut-off from the release history", () => {
  it("takes the created_at of the first release after the target, whatever order the API lists them in", () => {
    const plan = resolveTarget(HISTORY, 41, "gyana-beta");
    expect(plan.kind).toBe("rollback");
    if (plan.kind !== "rollback") return;
    expect(plan.cutoff).toBe("2026-11-20T14:00:00Z");
    expect(plan.cutoffRelease.version).toBe(42);
    expect(plan.undone.map((r) => r.version)).toEqual([42, 43]);
  });

  it("moves the cut-off to a config-only release that follows the target", () => {
    const history = [
      release(41, "2026-11-18T10:00:00Z"),
      release(42, "2026-11-19T08:00:00Z", { description: "Set SENDGRID_API_KEY config vars" }),
      release(43, "2026-11-20T14:00:00Z"),
    ];
    const plan = resolveTarget(history, 41, "gyana-beta");
    expect(plan.kind === "rollback" && plan.cutoff).toBe("2026-11-19T08:00:00Z");
  });

  it("warns when the target's release phase may have ended after the next release was created", () => {
    const history = [
      release(41, "2026-11-18T10:00:00Z", { updated_at: "2026-11-18T10:25:00Z" }),
      release(42, "2026-11-18T10:20:00Z"),
    ];
    const plan = resolveTarget(history, 41, "gyana-beta");
    expect(plan.kind === "rollback" && plan.warnings).toEqual([
      "v41 last changed status at 2026-11-18T10:25:00Z, after v42 was created " +
        "(2026-11-18T10:20:00Z): if its release phase was still running then, migrations it " +
        "applied late appear above and would be reversed. Check each one belongs to a release " +
        "being undone; if not, use --since with a later time.",
    ]);
    const settled = [{ ...history[0]!, updated_at: "2026-11-18T10:03:00Z" }, history[1]!];
    expect(resolveTarget(settled, 41, "gyana-beta")).toMatchObject({ warnings: [] });
  });

  it("has nothing to do when the target is the latest release", () => {
    expect(resolveTarget(HISTORY, 43, "gyana-beta")).toEqual({
      kind: "nothing-to-do",
      target: HISTORY[0],
    });
  });

  it("names the nearest versions when the target does not exist", () => {
    expect(() => resolveTarget(HISTORY, 44, "gyana-beta")).toThrow(
      "gyana-beta has no release v44; the nearest are v40, v41, v42, v43 (latest v43). " +
        "See them with: heroku releases --app gyana-beta",
    );
  });

  it("refuses a target whose release phase failed", () => {
    const history = [
      release(41, "2026-11-18T10:00:00Z", { status: "failed" }),
      ...HISTORY.slice(0, 1),
    ];
    expect(() => resolveTarget(history, 41, "gyana-beta")).toThrow(
      "v41 of gyana-beta is failed, not succeeded",
    );
  });

  it("reads versions written as 41 or v41 and nothing else", () => {
    expect([
      parseVersion("41"),
      parseVersion("v41"),
      parseVersion("4.1"),
      parseVersion(""),
    ]).toEqual([41, 41, undefined, undefined]);
  });
});

describe("the steps of a plan", () => {
  const migrations = [
    {
      app: "nodes",
      name: "zero",
      reverses: ["0001_initial"],
      lastApplied: "2026-11-20T14:03:13.000Z",
    },
  ];
  const target = release(41, "2026-11-18T10:00:00Z");

  it("checks maintenance, migrates, then rolls the code back", () => {
    const steps = planSteps({ app: "gyana-beta", target, migrations, maintenance: false });
    expect(steps.map((s) => s.action)).toEqual(["require-maintenance", "migrate", "rollback-code"]);
    expect(steps[2]).toMatchObject({ release: target.id, version: 41 });
  });

  it("turns maintenance on and restores it with --maintenance", () => {
    const steps = planSteps({ app: "gyana-beta", target, migrations, maintenance: true });
    expect(steps.map((s) => s.action)).toEqual([
      "maintenance-on",
      "migrate",
      "rollback-code",
      "maintenance-restore",
    ]);
  });
});

describe("names from django_migrations", () => {
  it("accepts what Django can produce, Unicode identifiers included", () => {
    expect(["nodes", "_private", "café", "app2"].every(isAppLabel)).toBe(true);
    expect(
      ["0001_initial", "0002_auto_20210301_1200", "0003_café", "zero"].every(isMigrationName),
    ).toBe(true);
  });

  it("refuses what could become an option or shell syntax", () => {
    expect(["-x", "--fake", "2fa", "a b", "a;b", "", "a-b", "a.b"].some(isAppLabel)).toBe(false);
    expect(
      ["--fake", "-1", "0001 x", "0001;rm", "$(x)", "`x`", "0001\n", ""].some(isMigrationName),
    ).toBe(false);
  });

  it("lists every bad name at once", () => {
    const target = (app: string, name: string, reverses: string[]) => ({
      app,
      name,
      reverses,
      lastApplied: "2026-11-20T14:00:00Z",
    });
    expect(() =>
      checkDjangoNames([
        target("nodes", "zero", ["0001_initial"]),
        target("-x", "zero", ["0001_initial"]),
        target("projects", "--fake", ["0002 y"]),
      ]),
    ).toThrow(
      'app "-x" (an app label is a Python identifier); migration "--fake" of app "projects" ' +
        '(a migration name is letters, digits and underscores); migration "0002 y" of app ' +
        '"projects" (a migration name is letters, digits and underscores)',
    );
  });

  it("never builds a migrate command from anything else, and ends options with --", () => {
    expect(migrateCommand({ app: "projects", name: "0030_project_cname" })).toBe(
      "python manage.py migrate -- projects 0030_project_cname",
    );
    expect(() => migrateCommand({ app: "--database=x", name: "zero" })).toThrow(
      'refusing to build a migrate command from "--database=x" "zero": not Django identifiers',
    );
  });
});

describe("the config vars a rollback restores", () => {
  it("names every var added, removed or changed since the target, sorted, and no value", () => {
    const current = { A: "1", B: "same", NEW: "x", SECRET_KEY: "s3cret-now" };
    const target = { A: "0", B: "same", GONE: "y", SECRET_KEY: "s3cret-then" };
    expect(changedConfigVarNames(current, target)).toEqual(["A", "GONE", "NEW", "SECRET_KEY"]);
    const { line, warnings } = configVarLines({
      kind: "compared",
      targetVersion: 41,
      names: changedConfigVarNames(current, target),
    });
    expect(line).toBe(
      "the rollback restores v41's values of A, GONE, NEW, SECRET_KEY (the next pulumi up re-applies the stack's)",
    );
    expect(line).not.toMatch(/s3cret/);
    expect(warnings).toEqual([]);
  });

  it("says so when nothing differs, and treats a null value as absent", () => {
    expect(changedConfigVarNames({ A: "1", B: null }, { A: "1" })).toEqual([]);
    expect(configVarLines({ kind: "compared", targetVersion: 7, names: [] }).line).toBe(
      "v7's are the same as the current ones",
    );
  });

  it("warns when the target carries another service account key", () => {
    const { warnings } = configVarLines({
      kind: "compared",
      targetVersion: 41,
      names: ["GOOGLE_CREDENTIALS"],
    });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^GOOGLE_CREDENTIALS differs: v41 carries another service account key/,
    );
  });

  it("reports a comparison it could not make instead of failing the plan", () => {
    expect(configVarLines({ kind: "unknown", reason: "HTTP 403 forbidden" })).toEqual({
      line: "could not compare them with the target's (HTTP 403 forbidden)",
      warnings: [],
    });
  });
});

describe("rollback arguments", () => {
  const usage = (argv: string[]) => {
    try {
      parseRollbackArgs(argv);
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      return (error as Error).message;
    }
    throw new Error("expected a usage error");
  };

  it("needs a stack or an app, and a version", () => {
    expect(usage(["--to", "41"])).toBe("give --stack <dev|staging|prod> or --app <name>");
    expect(usage(["--stack", "prod"])).toBe("give --to <version>, the release to roll back to");
  });

  it("keeps --since a plan-only path that needs a database URL", () => {
    expect(usage(["--since", "2026-11-20T14:00:00Z"])).toBe("--since needs --database-url <url>");
    expect(usage(["--since", "2026-11-20T14:00:00Z", "--execute", "--stack", "prod"])).toBe(
      "--since plans from a known cut-off without Heroku, so it cannot take --stack, --execute",
    );
  });

  it("does not mix --json with --execute, and names the allowed options for an unknown one", () => {
    expect(usage(["--stack", "prod", "--to", "41", "--json", "--execute"])).toBe(
      "--json prints the plan only; run --execute without --json",
    );
    expect(usage(["--stack", "prod", "--to", "41", "--force"])).toMatch(
      /^Unknown option '--force' \(allowed: --stack, --app, --to, --database-url, --no-ssl, --since, --json, --execute, --maintenance, --yes, --allow-zero, --verbose, --help\)$/,
    );
  });

  it("takes only Django app labels for --allow-zero", () => {
    expect(usage(["--stack", "prod", "--to", "41", "--allow-zero=--fake"])).toMatch(
      /^--allow-zero "--fake" is not a Django app label; allowed: a Python identifier such as nodes$/,
    );
    expect(
      parseRollbackArgs([
        "--stack",
        "prod",
        "--to",
        "41",
        "--allow-zero",
        "nodes",
        "--allow-zero",
        "reports",
      ]).allowZero,
    ).toEqual(["nodes", "reports"]);
  });

  it("answers -h like --help", () => {
    expect(parseRollbackArgs(["-h"]).help).toBe(true);
  });

  it("resumes with the same command, never with a database URL", () => {
    const args = parseRollbackArgs([
      "--stack",
      "prod",
      "--to",
      "v41",
      "--database-url",
      "postgres://u:secret@db/x",
      "--execute",
      "--maintenance",
      "--yes",
    ]);
    expect(resumeCommand(args)).toBe(
      "npm run rollback -- --stack prod --to 41 --execute --maintenance",
    );
  });
});

describe("the stack's Heroku app", () => {
  it("comes from gyana:heroku.app in Pulumi.<stack>.yaml", () => {
    const root = mkdtempSync(join(tmpdir(), "gyana-stack-"));
    try {
      writeFileSync(
        join(root, "Pulumi.prod.yaml"),
        "config:\n  gyana:heroku:\n    app: gyana-beta-eu\n",
      );
      writeFileSync(join(root, "Pulumi.dev.yaml"), "config:\n  gyana:environment: dev\n");
      expect(herokuAppForStack("prod", root)).toBe("gyana-beta-eu");
      expect(() => herokuAppForStack("dev", root)).toThrow(
        "Pulumi.dev.yaml has no gyana:heroku.app; set it or pass --app <name>",
      );
      expect(() => herokuAppForStack("qa", root)).toThrow(
        'unknown stack "qa"; allowed: dev, staging, prod (or pass --app <name>)',
      );
      expect(() => herokuAppForStack("qa", root, "--from-app")).toThrow(
        'unknown stack "qa"; allowed: dev, staging, prod (or pass --from-app <name>)',
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("matches the design table for the repository's own stack files", () => {
    expect(["dev", "staging", "prod"].map((s) => herokuAppForStack(s))).toEqual([
      "gyana-dev",
      "gyana-release",
      "gyana-beta",
    ]);
  });
});

describe("confirmation", () => {
  const io = (interactive: boolean, answer: string): Io => ({
    out: () => undefined,
    err: () => undefined,
    interactive,
    ask: async () => answer,
  });
  const question = { yes: false, question: "Roll back?", expected: "gyana-beta" };

  it("refuses without a terminal unless --yes", async () => {
    await expect(confirm(io(false, ""), question)).rejects.toBeInstanceOf(RefusedError);
    await expect(confirm(io(false, ""), { ...question, yes: true })).resolves.toBeUndefined();
  });

  it("goes on only when the app name is typed back", async () => {
    await expect(confirm(io(true, "y"), question)).rejects.toThrow(
      "confirmation did not match gyana-beta. Nothing was changed.",
    );
    await expect(confirm(io(true, " gyana-beta\n"), question)).resolves.toBeUndefined();
  });
});

describe("polling", () => {
  it("backs off from 1 s doubling to 15 s and gives up at the deadline with the last state", async () => {
    let now = 0;
    const delays: number[] = [];
    const clock = {
      now: () => now,
      sleep: async (ms: number) => {
        delays.push(ms);
        now += ms;
      },
    };
    await expect(
      pollUntil(
        async () => "pending",
        () => false,
        clock,
        {
          what: "release v44 of gyana-beta",
          timeoutMs: 60_000,
          describe: (s) => `status ${s}`,
        },
      ),
    ).rejects.toThrow(
      "gave up waiting for release v44 of gyana-beta after 60 s (last seen: status pending)",
    );
    expect(delays).toEqual([1000, 2000, 4000, 8000, 15000, 15000, 15000]);
  });
});
