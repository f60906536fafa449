// Which Heroku app a stack deploys: `gyana:heroku` → `app` in Pulumi.<stack>.yaml, read with the
// same loader as the offline plan, so the operator commands can never drift from what
// `pulumi up` manages.
import { join } from "node:path";
import { readStackFile, STACKS, UnknownStackError } from "../stackFile";
import { UsageError } from "./cli";

/**
 * The Heroku app of `stack`, from `<root>/Pulumi.<stack>.yaml`. `appFlag` is the command's own
 * option that names an app instead (`--app`, `--from-app`), for the error messages.
 */
export function herokuAppForStack(
  stack: string,
  root = join(__dirname, "..", ".."),
  appFlag = "--app",
): string {
  let heroku: string | undefined;
  try {
    heroku = readStackFile(stack, { root }).config["gyana:heroku"];
  } catch (error) {
    if (error instanceof UnknownStackError) {
      throw new UsageError(
        `unknown stack "${stack}"; allowed: ${STACKS.join(", ")} (or pass ${appFlag} <name>)`,
      );
    }
    throw error;
  }
  const app = heroku ? (JSON.parse(heroku) as { app?: unknown }).app : undefined;
  if (typeof app !== "string" || app === "") {
    throw new UsageError(
      `Pulumi.${stack}.yaml has no gyana:heroku.app; set it or pass ${appFlag} <name>`,
    );
  }
  return app;
}
