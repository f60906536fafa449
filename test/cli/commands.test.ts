// Every operator command answers --help, an unknown flag and an unknown stack the same way
// (docs/commands.md). Each command runs once as the operator runs it, as a process (the unknown
// flag: exit code, streams, and nothing heavy loaded before the arguments are checked); its help
// and its unknown argument run in-process through the same entry point (tools/<command>.ts) the
// process calls. Parsing details are tested in command.test.ts.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BENCH_COMMAND, benchMain } from "../../tools/bench";
import { executeCommand, type CommandIo } from "../../tools/cli/command";
import { DRIFT_COMMAND, driftMain } from "../../tools/drift";
import { E2E_COMMAND, e2eMain } from "../../tools/e2e";
import { PLAN_COMMAND, planMain } from "../../tools/plan";
import { REHEARSE_COMMAND, rehearseMain } from "../../tools/rehearse";
import { runRelease } from "../../tools/release/main";
import { runRollback } from "../../tools/rollback/main";
import { npmScript, ROOT } from "../support/npmScript";

const HEAVY_MODULE_REPORTER = join(__dirname, "..", "support", "reportHeavyModules.cjs");

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], nodeArgs: string[] = []): Promise<Ran> {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (/^(HEROKU|GODADDY|GOOGLE|PULUMI)_/.test(key)) delete env[key];
  }
  // The npm script's own command line (`npm run <command>` without npm's start-up).
  const [node, argv] = npmScript(command, args, nodeArgs);
  return new Promise((resolve) => {
    execFile(node, argv, { cwd: ROOT, env }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

type InProcess = (argv: string[], io: CommandIo) => Promise<number>;

/** Release and rollback with an operator's io; a usage error or help touches nothing else. */
function operatorCommand(run: typeof runRelease | typeof runRollback): InProcess {
  const untouched = () => {
    throw new Error("help and usage errors must not reach Heroku or the clock");
  };
  return (argv, io) =>
    run(argv, {
      io: { ...io, interactive: false, ask: untouched },
      heroku: untouched,
      clock: { now: untouched, sleep: untouched },
    });
}

// Only paths that stop before the command does anything run in-process: planMain, say, turns off
// provider serialization for this process once its stack is valid.
const IN_PROCESS: Record<string, InProcess> = {
  plan: (argv, io) => executeCommand(PLAN_COMMAND, planMain, argv, io),
  drift: (argv, io) => executeCommand(DRIFT_COMMAND, driftMain, argv, io),
  e2e: (argv, io) => executeCommand(E2E_COMMAND, e2eMain, argv, io),
  bench: (argv, io) => executeCommand(BENCH_COMMAND, benchMain, argv, io),
  release: operatorCommand(runRelease),
  rollback: operatorCommand(runRollback),
  rehearse: (argv, io) => executeCommand(REHEARSE_COMMAND, rehearseMain, argv, io),
};

async function runInProcess(command: string, argv: string[]): Promise<Ran> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await IN_PROCESS[command]!(argv, {
    out: (line) => out.push(`${line}\n`),
    err: (line) => err.push(`${line}\n`),
  });
  return { code, stdout: out.join(""), stderr: err.join("") };
}

describe.each([
  ["plan", "production", 'unknown stack "production"'],
  ["drift", "gyana/production", 'unknown stack "gyana/production"'],
  ["e2e", "prodd", 'unknown stack "prodd"'],
  ["bench", "nosuch", 'unknown section "nosuch"'],
  ["release", "--from=qa", 'unknown stack "qa"'],
  ["rollback", "--stack=qa", 'unknown stack "qa"'],
  ["rehearse", "--fail-once=auth", '--fail-once "auth" is not reversed in the rehearsal'],
])("npm run %s", (command, badArgument, badMessage) => {
  it("refuses an unknown flag with 2 on stderr before loading anything heavy, run as a process", async () => {
    const flag = await run(command, ["--bogus"], ["--require", HEAVY_MODULE_REPORTER]);
    expect(flag).toMatchObject({ code: 2, stdout: "" });
    // docs/commands.md: arguments are checked before anything heavy is loaded, so a typo costs
    // the start of Node, not the seconds Pulumi's SDK (and the TypeScript it pulls in) take.
    expect(flag.stderr).toMatch(/\nheavy modules loaded: none\n$/);
    expect(flag.stderr).toMatch(
      /^error: Unknown option '--bogus' \(allowed: .*--help\)\n\nUsage: /,
    );
  });

  it("answers --help on stdout with 0, and refuses an unknown argument with 2 on stderr", async () => {
    const help = await runInProcess(command, ["--help"]);
    expect(help).toMatchObject({ code: 0, stderr: "" });
    expect(help.stdout).toMatch(new RegExp(`^Usage: npm run ${command} -- `));
    expect(help.stdout).toContain("Exit codes (docs/commands.md):");

    const argument = await runInProcess(command, [badArgument]);
    expect(argument).toMatchObject({ code: 2, stdout: "" });
    expect(argument.stderr).toMatch(new RegExp(`^error: ${badMessage}; allowed: `));
  });
});
