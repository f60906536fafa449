// How `npm run <script>` starts a command (package.json: `node --import tsx tools/<script>.ts`),
// without npm itself: tests run the operator's commands as that one Node process. The tsx CLI
// would start Node twice (its own process, then the script's).
import { join } from "node:path";
import { npmScriptNodeArgs } from "../../tools/bench/figures";

export const ROOT = join(__dirname, "..", "..");

/**
 * The executable and arguments of `npm run <script> -- <args>`, to spawn from ROOT; `nodeArgs`
 * (e.g. `--require <file>`) go to Node before the script's own.
 */
export function npmScript(
  script: string,
  args: string[] = [],
  nodeArgs: string[] = [],
): [string, string[]] {
  return [process.execPath, [...nodeArgs, ...npmScriptNodeArgs(ROOT, script), ...args]];
}
