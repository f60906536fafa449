// `npm run drift -- <stack> [--summary-file <path>]`: does the live infrastructure of a stack
// still match the program? Runs `pulumi preview --refresh --json --stack <stack>` and prints a
// markdown report of every resource `pulumi up` would change (appended to --summary-file too,
// e.g. "$GITHUB_STEP_SUMMARY").
import { appendFileSync } from "node:fs";
import { defineCommand, runCommand, EXIT, type CommandMain } from "./cli/command";
import { parseQualifiedStackName, PROJECT, STACKS } from "./cli/stacks";
import { checkDrift, previewArgs } from "./drift/check";

export const DRIFT_COMMAND = defineCommand({
  command: "npm run drift --",
  synopsis: "<stack> [--summary-file <path>]",
  description:
    "Runs `pulumi preview --refresh --json` for the stack (the pulumi CLI, logged in to the\n" +
    "stack's backend, with the stack's cloud credentials) and prints a markdown table of every\n" +
    "resource that `pulumi up` would change. It never changes anything.",
  positionals: {
    name: "<stack>",
    description: `${STACKS.join(", ")}; for Pulumi Cloud <org>/<stack> or <org>/${PROJECT}/<stack>`,
    min: 1,
    max: 1,
  },
  options: {
    "summary-file": {
      type: "string",
      valueName: "<path>",
      description: 'also append the report to this file, e.g. "$GITHUB_STEP_SUMMARY"',
    },
  },
  exitCodes: {
    [EXIT.OK]: "no drift",
    [EXIT.FAILED]: "drift: the report lists what `pulumi up` would change",
    [EXIT.USAGE]: "bad arguments or unknown stack; nothing ran",
    [EXIT.UNAVAILABLE]: "drift unknown: no pulumi CLI, or the preview failed (the report says why)",
  },
});

/** What `npm run drift` does once its arguments parse. */
export const driftMain: CommandMain<typeof DRIFT_COMMAND.options> = async (
  { values, positionals },
  io,
) => {
  const stack = parseQualifiedStackName(positionals[0] ?? "");
  io.err(
    `Running pulumi ${previewArgs(stack).join(" ")} (reads every resource; can take minutes)…`,
  );
  const result = await checkDrift({ stack });
  if (result.message) io.err(result.message);
  if (result.report) {
    io.out(result.report.replace(/\n$/, ""));
    const summaryFile = values["summary-file"];
    if (summaryFile) appendFileSync(summaryFile, `${result.report}\n`);
  }
  return result.exitCode;
};

if (require.main === module) runCommand(DRIFT_COMMAND, driftMain);
