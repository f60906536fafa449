// `npm run drift -- <stack> [--summary-file <path>]`: does the live infrastructure of a stack
// still match the program? Runs `pulumi preview --refresh --json --stack <stack>` and prints a
// markdown report of every resource `pulumi up` would change (appended to --summary-file too,
// e.g. "$GITHUB_STEP_SUMMARY"). Exit codes: 0 no drift, 1 drift, 2 pulumi CLI missing,
// 3 the preview failed, 4 usage.
import { appendFileSync } from "node:fs";
import { checkDrift } from "./drift/check";

const USAGE =
  "Usage: npm run drift -- <stack> [--summary-file <path>]\n" +
  "  stack: dev, staging, prod (with an organisation prefix for Pulumi Cloud, e.g. gyana/prod)";
const EXIT_USAGE = 4;

export function parseArgs(argv: string[]): { stack: string; summaryFile?: string } | undefined {
  const positional: string[] = [];
  let summaryFile: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "--summary-file") {
      summaryFile = argv[++i];
      if (!summaryFile) {
        return undefined;
      }
    } else if (arg.startsWith("--")) {
      return undefined;
    } else {
      positional.push(arg);
    }
  }
  const [stack] = positional;
  return stack && positional.length === 1 ? { stack, summaryFile } : undefined;
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (!args) {
    console.error(USAGE);
    return EXIT_USAGE;
  }
  const result = await checkDrift({ stack: args.stack });
  if (result.message) {
    console.error(result.message);
  }
  if (result.report) {
    process.stdout.write(result.report);
    if (args.summaryFile) {
      appendFileSync(args.summaryFile, `${result.report}\n`);
    }
  }
  return result.exitCode;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 3;
    },
  );
}
