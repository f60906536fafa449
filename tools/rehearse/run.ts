// A rehearsal: the commands an operator types for a release and its rollback, run for real (the
// same code as `npm run release` and `npm run rollback`) against the offline world of world.ts,
// then checks that production is back where it started: its code, its migrations, maintenance.
// With `failOnce`, one reverse migration fails: the rehearsal then checks maintenance mode stayed
// on and finishes with the resume command the rollback printed, as an operator would.
import type { Io } from "../release/cli";
import { runRelease } from "../release/main";
import type { Clock } from "../release/poll";
import { runRollback } from "../rollback/main";
import { startRehearsalWorld, TARGET_APP, type RehearsalWorld } from "./world";

export interface RehearsalOptions {
  /** Lines for the operator (the command output is indented under each `$` line). */
  print: (...lines: string[]) => void;
  clock: Clock;
  /** A Django app label whose reverse migration fails once. */
  failOnce?: string;
}

interface Step {
  title: string;
  command: "release" | "rollback";
  argv: string[];
  /** The exit status the step must end with. */
  expect: number;
}

function plannedSteps(previousVersion: number, failOnce: string | undefined): Step[] {
  const release = ["--from", "staging", "--to", "prod"];
  const back = ["--stack", "prod", "--to", String(previousVersion)];
  return [
    { title: "Read the release plan", command: "release", argv: release, expect: 0 },
    {
      title: "Release under maintenance mode",
      command: "release",
      argv: [...release, "--execute", "--maintenance", "--yes"],
      expect: 0,
    },
    { title: "Read the rollback plan", command: "rollback", argv: back, expect: 0 },
    {
      title: failOnce
        ? `Roll back under maintenance mode (the reverse migration of ${failOnce} fails once)`
        : "Roll back under maintenance mode",
      command: "rollback",
      argv: [...back, "--execute", "--maintenance", "--yes", "--allow-zero", "nodes"],
      expect: failOnce ? 1 : 0,
    },
  ];
}

async function runStep(
  step: Step,
  world: RehearsalWorld,
  options: RehearsalOptions,
): Promise<{ code: number; lines: string[] }> {
  const { print, clock } = options;
  print(`$ npm run ${step.command} -- ${step.argv.join(" ")}`);
  const lines: string[] = [];
  const show = (text: string) =>
    text.split("\n").forEach((line) => {
      lines.push(line);
      print(`    ${line}`);
    });
  const io: Io = {
    out: show,
    err: show,
    interactive: false,
    ask: () => Promise.reject(new Error("the rehearsal answers every question with flags")),
  };
  const deps = { io, clock, heroku: () => world.client(clock.sleep), env: {} };
  const code =
    step.command === "release"
      ? await runRelease(step.argv, deps)
      : await runRollback(step.argv, deps);
  await world.settled();
  print(`    (exit ${code}${code === step.expect ? "" : `, expected ${step.expect}`})`);
  return { code, lines };
}

/** The resume command a failed rollback printed, as argv (with --yes: nobody to ask here). */
function resumeStep(lines: string[]): Step | undefined {
  const line = lines.map((l) => l.trim()).find((l) => l.startsWith("npm run rollback -- "));
  if (!line) return undefined;
  return {
    title: "Resume with the command the rollback printed",
    command: "rollback",
    argv: [...line.slice("npm run rollback -- ".length).split(" "), "--yes"],
    expect: 0,
  };
}

/** Runs the rehearsal; true when every command did as expected and production is back. */
export async function rehearse(options: RehearsalOptions): Promise<boolean> {
  const { print } = options;
  const world = await startRehearsalWorld({ failOnce: options.failOnce });
  try {
    const before = await world.migrations();
    const app = world.heroku.state.app(TARGET_APP);
    const slugBefore = world.heroku.state.currentRelease(app)?.slug?.id;
    print(
      `Rehearsal against the Heroku emulator (${world.heroku.url}) and a local PostgreSQL ` +
        `(${world.pg.host}:${world.pg.port}/${world.pg.database}, ${before.length} migrations ` +
        `recorded): nothing leaves this machine.`,
    );
    const steps = plannedSteps(world.previousVersion, options.failOnce);
    const checks: [string, boolean][] = [];
    for (let index = 0; index < steps.length; index++) {
      const step = steps[index]!;
      print("", `== ${index + 1}. ${step.title}`);
      const { code, lines } = await runStep(step, world, options);
      if (code !== step.expect) {
        print("", `Rehearsal FAILED at step ${index + 1}: exit ${code}, expected ${step.expect}.`);
        return false;
      }
      if (step.command === "release" && step.argv.includes("--execute")) {
        const applied = (await world.migrations()).filter((m) => !before.includes(m));
        print(`    (the release phase applied ${applied.join(", ")})`);
      }
      if (code !== 0 && step.command === "rollback") {
        checks.push([
          `maintenance mode stayed on after the failed rollback`,
          app.maintenance === true,
        ]);
        const resume = resumeStep(lines);
        checks.push([`the failed rollback printed a resume command`, resume !== undefined]);
        if (resume) steps.push(resume);
      }
    }

    const after = await world.migrations();
    const current = world.heroku.state.currentRelease(app);
    checks.push(
      [
        `${TARGET_APP} runs v${world.previousVersion}'s slug again (v${current?.version} "${current?.description}")`,
        current?.slug?.id === slugBefore,
      ],
      [
        `django_migrations holds exactly its ${before.length} rows from before the release`,
        after.length === before.length && after.every((m, i) => m === before[i]),
      ],
      [`maintenance mode is off on ${TARGET_APP}`, app.maintenance === false],
      [`the emulator saw no request outside Heroku's schema`, world.heroku.violations.length === 0],
    );
    print("", "== Checks");
    for (const [what, ok] of checks) print(`  ${ok ? "ok" : "FAILED"}: ${what}`);
    for (const violation of world.heroku.violations) print(`    ${violation}`);
    const passed = checks.every(([, ok]) => ok);
    print("", passed ? "Rehearsal passed." : "Rehearsal FAILED: see the checks above.");
    return passed;
  } finally {
    await world.close();
  }
}
