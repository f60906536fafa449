// Which Heroku app a stack deploys: `gyana:heroku` → `app` in Pulumi.<stack>.yaml, the same value
// `pulumi up` manages, so the operator commands can never drift from the infrastructure.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { UsageError } from "./cli";

/** The stacks of DESIGN.md and their apps, used when a stack file is not at hand. */
export const KNOWN_STACK_APPS: Readonly<Record<string, string>> = {
  dev: "gyana-dev",
  staging: "gyana-release",
  prod: "gyana-beta",
};

/** The Heroku app of `stack`, read from `<root>/Pulumi.<stack>.yaml` when it exists. */
export function herokuAppForStack(stack: string, root = join(__dirname, "..", "..")): string {
  const allowed = Object.keys(KNOWN_STACK_APPS).join(", ");
  if (!/^[a-z][a-z0-9-]*$/.test(stack)) {
    throw new UsageError(`--stack "${stack}" is not a stack name; allowed: ${allowed}`);
  }
  const file = join(root, `Pulumi.${stack}.yaml`);
  if (existsSync(file)) {
    const document = parse(readFileSync(file, "utf8")) as {
      config?: Record<string, { app?: unknown } | undefined>;
    } | null;
    const app = document?.config?.["gyana:heroku"]?.app;
    if (typeof app !== "string" || app === "") {
      throw new UsageError(`${file} has no gyana:heroku.app; set it or pass --app`);
    }
    return app;
  }
  const known = KNOWN_STACK_APPS[stack];
  if (!known) throw new UsageError(`unknown stack "${stack}"; allowed: ${allowed} (or pass --app)`);
  return known;
}
