// Runs the offline plan of one stack and prints it; config problems are the operator's to fix.
import { ConfigError } from "../../config/load";
import type { CommandIo } from "../cli/command";
import { EXIT } from "../cli/exitCodes";
import { runStack, type RunStackOptions } from "../runStack";
import { UnknownStackError } from "../stackFile";
import { UsageError } from "../cli/usageError";
import { planDocument, planText } from "./render";

export async function printPlan(
  stack: string,
  options: { json: boolean } & Pick<RunStackOptions, "load">,
  io: CommandIo,
): Promise<number> {
  try {
    const run = await runStack(stack, options.load ? { load: options.load } : {});
    io.out(options.json ? JSON.stringify(planDocument(run), null, 2) : planText(run));
    return EXIT.OK;
  } catch (error) {
    if (error instanceof UnknownStackError) throw new UsageError(error.message);
    if (error instanceof ConfigError) {
      io.err(error.message);
      return EXIT.FAILED;
    }
    throw error;
  }
}
