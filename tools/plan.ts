// `npm run plan -- <stack> [--json]`: the offline plan of a stack, the first command to run.
import { defineCommand, runCommand, EXIT, type CommandMain } from "./cli/command";
import { parseStackName, STACKS } from "./cli/stacks";
import { skipProviderSerialization } from "./plan/skipProviderSerialization";

export const PLAN_COMMAND = defineCommand({
  command: "npm run plan --",
  synopsis: "<stack> [--json]",
  description:
    "Prints what `pulumi up --stack <stack>` declares: every resource with its inputs and the\n" +
    "stack outputs, from the real program run under mocks with no credentials and no network.\n" +
    "Secrets show as [secret]; secrets missing from the stack file are listed as warnings.",
  positionals: { name: "<stack>", description: STACKS.join(", "), min: 1, max: 1 },
  options: {
    json: { type: "boolean", description: "print one JSON document instead of the tree" },
  },
  exitCodes: {
    [EXIT.OK]: "the plan was printed",
    [EXIT.FAILED]: "the stack config has problems (each listed on stderr)",
    [EXIT.USAGE]: "bad arguments or unknown stack; nothing ran",
  },
});

/** What `npm run plan` does once its arguments parse. */
export const planMain: CommandMain<typeof PLAN_COMMAND.options> = async (
  { values, positionals },
  io,
) => {
  const stack = parseStackName(positionals[0] ?? "");
  io.err(`Running the program for stack "${stack}" under mocks (no credentials, no network)…`);
  skipProviderSerialization();
  // Loaded only now: a usage error must not wait for @pulumi/pulumi.
  const { printPlan } = await import("./plan/print");
  return printPlan(stack, { json: values.json === true }, io);
};

if (require.main === module) runCommand(PLAN_COMMAND, planMain);
