// Every operator command, run as the operator runs it, answers --help, an unknown flag and an
// unknown stack the same way (docs/commands.md). Parsing details are tested in-process
// (command.test.ts); this spawns each command once per path.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { npmScriptNodeArgs } from "../../tools/bench/figures";

const root = join(__dirname, "..", "..");
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
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      // The npm script's own command line (`npm run <command>` without npm's start-up).
      [...nodeArgs, ...npmScriptNodeArgs(root, command), ...args],
      { cwd: root, env },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
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
  it("answers --help on stdout with 0, and refuses an unknown flag or argument with 2 on stderr", async () => {
    const [help, flag, argument] = await Promise.all([
      run(command, ["--help"]),
      run(command, ["--bogus"], ["--require", HEAVY_MODULE_REPORTER]),
      run(command, [badArgument]),
    ]);
    expect(help).toMatchObject({ code: 0, stderr: "" });
    expect(help.stdout).toMatch(new RegExp(`^Usage: npm run ${command} -- `));
    expect(help.stdout).toContain("Exit codes (docs/commands.md):");

    expect(flag).toMatchObject({ code: 2, stdout: "" });
    // docs/commands.md: arguments are checked before anything heavy is loaded, so a typo costs
    // the start of Node, not the seconds Pulumi's SDK (and the TypeScript it pulls in) take.
    expect(flag.stderr).toMatch(/\nheavy modules loaded: none\n$/);
    expect(flag.stderr).toMatch(
      /^error: Unknown option '--bogus' \(allowed: .*--help\)\n\nUsage: /,
    );

    expect(argument).toMatchObject({ code: 2, stdout: "" });
    expect(argument.stderr).toMatch(new RegExp(`^error: ${badMessage}; allowed: `));
  });
});
