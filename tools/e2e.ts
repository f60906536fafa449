// `npm run e2e [-- <stack>...]`: the emulated end-to-end `pulumi up` of the real program against
// the Heroku and GoDaddy emulators, per stack (tools/e2e/run.ts). Prints one line per up and
// exits 1 if any stack fails or breaks the Heroku schema.
import { defineCommand, runCommand, EXIT, type CommandMain } from "./cli/command";
import { parseStackName, STACKS } from "./cli/stacks";

export const E2E_COMMAND = defineCommand({
  command: "npm run e2e --",
  synopsis: "[<stack>...]",
  description:
    "Runs the real program as `pulumi up` against local Heroku and GoDaddy emulators, with\n" +
    "made-up secrets and no network: a fresh up, an up after the first deploy, and a no-op up\n" +
    "that must write nothing. Each up prints its changes, request count and time.",
  positionals: {
    name: "<stack>",
    description: `any of ${STACKS.join(", ")}; all of them when none is given`,
    min: 0,
    max: STACKS.length,
  },
  options: {},
  exitCodes: {
    [EXIT.OK]: "every stack passed",
    [EXIT.FAILED]: "a stack failed (its line says why)",
    [EXIT.USAGE]: "bad arguments or unknown stack; nothing ran",
  },
});

/** What `npm run e2e` does once its arguments parse. */
export const e2eMain: CommandMain<typeof E2E_COMMAND.options> = async ({ positionals }, io) => {
  const stacks = positionals.length > 0 ? positionals.map(parseStackName) : [...STACKS];
  const { runE2eStack } = await import("./e2e/run");
  let failed = 0;
  for (const stack of stacks) {
    io.err(`Running the emulated up of stack "${stack}"…`);
    try {
      for (const line of await runE2eStack(stack)) io.out(line);
      io.out(`${stack}: ok`);
    } catch (error) {
      failed++;
      io.out(`${stack}: FAILED: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return failed > 0 ? EXIT.FAILED : EXIT.OK;
};

if (require.main === module) runCommand(E2E_COMMAND, e2eMain);
