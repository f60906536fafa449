// The release command line: which app promotes to which, and whether to act.
import { parseFlags, UsageError } from "./cli";

export const RELEASE_USAGE = `Usage:
  npm run release -- --from <stack> --to <stack> [options]

Promotes the exact slug that passed QA on the source app (its newest release, which must have
succeeded) to the target app through their Heroku pipeline: no rebuild. Without --execute it
only prints the plan.

Options:
  --from <stack>       source stack, normally staging (gyana-release)
  --to <stack>         target stack, normally prod (gyana-beta)
  --from-app <name>    source Heroku app, overriding --from's
  --to-app <name>      target Heroku app, overriding --to's
  --execute            do it
  --maintenance        maintenance mode on the target during the release, restored after
  --yes                do not ask for confirmation (needed without a terminal)
  --help               this text`;

export interface ReleaseArgs {
  from?: string;
  to?: string;
  fromApp?: string;
  toApp?: string;
  execute: boolean;
  maintenance: boolean;
  yes: boolean;
  help: boolean;
}

export function parseReleaseArgs(argv: string[]): ReleaseArgs {
  const values = parseFlags(argv, {
    from: { type: "string" },
    to: { type: "string" },
    "from-app": { type: "string" },
    "to-app": { type: "string" },
    execute: { type: "boolean" },
    maintenance: { type: "boolean" },
    yes: { type: "boolean" },
    help: { type: "boolean" },
  });
  const args: ReleaseArgs = {
    from: values.from,
    to: values.to,
    fromApp: values["from-app"],
    toApp: values["to-app"],
    execute: values.execute === true,
    maintenance: values.maintenance === true,
    yes: values.yes === true,
    help: values.help === true,
  };
  if (args.help) return args;
  if (!args.from && !args.fromApp)
    throw new UsageError("give --from <stack> (or --from-app <name>)");
  if (!args.to && !args.toApp) throw new UsageError("give --to <stack> (or --to-app <name>)");
  return args;
}
