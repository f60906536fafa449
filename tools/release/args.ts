// The release command line: which app promotes to which, and whether to act.
import { parseFlags, UsageError } from "./cli";

export const RELEASE_USAGE = `Usage:
  npm run release -- --from <stack> --to <stack> [options]

Promotes the exact slug that passed QA on the source app (its newest release, which must have
succeeded) to the target app through their Heroku pipeline: no rebuild. Without --execute it
only prints the plan.

Options:
  --from <stack>            source stack, normally staging (gyana-release)
  --to <stack>              target stack, normally prod (gyana-beta)
  --from-app <name>         source Heroku app, instead of --from
  --to-app <name>           target Heroku app, instead of --to
  --json                    print the plan as one JSON document (plan only)
  --execute                 do it
  --maintenance             maintenance mode on the target during the release, turned off after
                            success (after a failed release phase it stays on)
  --yes                     do not ask for confirmation (needed without a terminal)
  --two-factor-code <code>  second factor for Heroku, if it asks for one (also
                            HEROKU_TWO_FACTOR_CODE); on a terminal you are asked instead
  --verbose                 show the API calls behind each step
  -h, --help                this text`;

export interface ReleaseArgs {
  from?: string;
  to?: string;
  fromApp?: string;
  toApp?: string;
  json: boolean;
  execute: boolean;
  maintenance: boolean;
  yes: boolean;
  twoFactorCode?: string;
  verbose: boolean;
  help: boolean;
}

export function parseReleaseArgs(argv: string[]): ReleaseArgs {
  const values = parseFlags(argv, {
    from: { type: "string" },
    to: { type: "string" },
    "from-app": { type: "string" },
    "to-app": { type: "string" },
    json: { type: "boolean" },
    execute: { type: "boolean" },
    maintenance: { type: "boolean" },
    yes: { type: "boolean" },
    "two-factor-code": { type: "string" },
    verbose: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  const args: ReleaseArgs = {
    from: values.from,
    to: values.to,
    fromApp: values["from-app"],
    toApp: values["to-app"],
    json: values.json === true,
    execute: values.execute === true,
    maintenance: values.maintenance === true,
    yes: values.yes === true,
    twoFactorCode: values["two-factor-code"],
    verbose: values.verbose === true,
    help: values.help === true,
  };
  if (args.help) return args;
  for (const side of ["from", "to"] as const) {
    const app = side === "from" ? args.fromApp : args.toApp;
    if (!args[side] && !app) {
      throw new UsageError(`give --${side} <stack> (or --${side}-app <name>)`);
    }
    if (args[side] && app) {
      throw new UsageError(
        `give --${side} or --${side}-app, not both: --${side} ${args[side]} and --${side}-app ` +
          `${app} could name different apps`,
      );
    }
  }
  if (args.json && args.execute) {
    throw new UsageError("--json prints the plan only; run --execute without --json");
  }
  return args;
}
