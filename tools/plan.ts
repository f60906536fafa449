// `npm run plan -- <stack> [--json]`: the offline plan of a stack, the first command to run.
import { ConfigError } from "../config/load";
import { planDocument, planText } from "./plan/render";
import { runStack } from "./runStack";
import { STACKS, UnknownStackError } from "./stackFile";

const USAGE = `Usage: npm run plan -- <stack> [--json]\n  stack: one of ${STACKS.join(", ")}`;

async function main(argv: string[]): Promise<number> {
  const json = argv.includes("--json");
  const positional = argv.filter((arg) => !arg.startsWith("--"));
  const unknownFlags = argv.filter((arg) => arg.startsWith("--") && arg !== "--json");
  const stack = positional[0];
  if (!stack || positional.length > 1 || unknownFlags.length > 0) {
    console.error(USAGE);
    return 2;
  }
  try {
    const run = await runStack(stack);
    process.stdout.write(
      json ? `${JSON.stringify(planDocument(run), null, 2)}\n` : `${planText(run)}\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof ConfigError || error instanceof UnknownStackError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
