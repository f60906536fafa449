// `npm run rehearse`: a release and its rollback rehearsed offline with the real commands, against
// the Heroku emulator and a real PostgreSQL it starts itself.
import { execFile } from "node:child_process";
import { describe, expect, it } from "vitest";
import { virtualClock } from "../../tools/release/poll";
import { npmScript, ROOT } from "../support/npmScript";
import { rehearse } from "../../tools/rehearse/run";

async function rehearsal(failOnce?: string): Promise<{ passed: boolean; text: string }> {
  const lines: string[] = [];
  const passed = await rehearse({
    print: (...printed) => lines.push(...printed),
    clock: virtualClock(Date.parse("2026-11-25T19:00:00Z")),
    failOnce,
  });
  return { passed, text: lines.join("\n") };
}

// Each rehearsal starts its own PostgreSQL and emulator and waits on them most of the time: the
// three run at once.
describe.concurrent("the rehearsal", () => {
  it("releases, rolls back, and finds production back where it started", async () => {
    const { passed, text } = await rehearsal();
    expect(passed).toBe(true);
    for (const command of [
      "$ npm run release -- --from staging --to prod",
      "$ npm run release -- --from staging --to prod --execute --maintenance --yes",
      "$ npm run rollback -- --stack prod --to 2",
      "$ npm run rollback -- --stack prod --to 2 --execute --maintenance --yes --allow-zero nodes",
    ]) {
      expect(text).toContain(`\n${command}\n`);
    }
    expect(text).toContain(
      "    (the release phase applied integrations.0041_integration_sheet_url, " +
        "projects.0031_project_access, projects.0032_project_runs_info, nodes.0001_initial, " +
        "nodes.0002_node_error)",
    );
    // The rollback's plan was read from the database the release phase wrote.
    expect(text).toMatch(/ {6}nodes +→ zero +\(unapplies EVERY migration of nodes/);
    expect(text).toContain(
      "  ok: django_migrations holds exactly its 8 rows from before the release",
    );
    expect(text).toContain("  ok: maintenance mode is off on gyana-beta");
    expect(text.endsWith("Rehearsal passed.")).toBe(true);
  });

  it("rehearses a failed rollback: maintenance stays on, and the printed resume finishes it", async () => {
    const { passed, text } = await rehearsal("projects");
    expect(passed).toBe(true);
    expect(text).toContain("    (exit 1)");
    expect(text).toContain("== 5. Resume with the command the rollback printed");
    expect(text).toContain(
      "$ npm run rollback -- --stack prod --to 2 --execute --maintenance --allow-zero nodes --yes",
    );
    expect(text).toContain("  ok: maintenance mode stayed on after the failed rollback");
    expect(text).toContain("  ok: maintenance mode is off on gyana-beta");
  });
});

describe.concurrent("npm run rehearse", () => {
  it("runs as documented and exits 0", async () => {
    const env = { ...process.env };
    for (const key of Object.keys(env)) if (/^(HEROKU|DATABASE)_/.test(key)) delete env[key];
    const result = await new Promise<{ code: number; stdout: string; stderr: string }>(
      (resolve) => {
        execFile(...npmScript("rehearse"), { cwd: ROOT, env }, (error, stdout, stderr) =>
          resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
        );
      },
    );
    expect(result.stderr).toBe("Starting PostgreSQL and the Heroku emulator…\n");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^Rehearsal against the Heroku emulator \(http:\/\/127\.0\.0\.1:\d+\)/,
    );
    expect(result.stdout.trimEnd().endsWith("Rehearsal passed.")).toBe(true);
  });
});
