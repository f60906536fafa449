// The release command line: which app promotes to which, and whether to act. Parsed by the
// shared convention (tools/cli: -h/--help, exit codes, unknown flags named).
import { defineCommand, EXIT, parseCommandLine, usage } from "../cli/command";
import { parseStackName } from "../cli/stacks";
import { appOption, UsageError } from "./cli";

export const RELEASE_COMMAND = defineCommand({
  command: "npm run release --",
  synopsis: "--from <stack> --to <stack> [options]",
  description:
    "Promotes the exact slug that passed QA on the source app (its newest release, which must\n" +
    "have succeeded) to the target app through their Heroku pipeline: no rebuild. Without\n" +
    "--execute it only prints the plan. docs/release.md has the procedure.",
  positionals: { min: 0, max: 0 },
  options: {
    from: {
      type: "string",
      valueName: "<stack>",
      description: "source stack, normally staging (gyana-release)",
    },
    to: {
      type: "string",
      valueName: "<stack>",
      description: "target stack, normally prod (gyana-beta)",
    },
    "from-app": {
      type: "string",
      valueName: "<name>",
      description: "source Heroku app, instead of --from",
    },
    "to-app": {
      type: "string",
      valueName: "<name>",
      description: "target Heroku app, instead of --to",
    },
    json: { type: "boolean", description: "print the plan as one JSON document (plan only)" },
    execute: { type: "boolean", description: "do it" },
    maintenance: {
      type: "boolean",
      description: "maintenance mode on the target; off after success, on after a failure",
    },
    yes: {
      type: "boolean",
      description: "do not ask for confirmation (needed without a terminal)",
    },
    "two-factor-code": {
      type: "string",
      valueName: "<code>",
      description: "if Heroku asks for a second factor (or HEROKU_TWO_FACTOR_CODE)",
    },
    verbose: { type: "boolean", description: "show the API calls behind each step" },
  },
  exitCodes: {
    [EXIT.OK]: "released, or the plan was printed",
    [EXIT.FAILED]: "refused or failed; the message says what was and was not changed",
    [EXIT.USAGE]: "bad arguments or unknown stack; nothing ran",
  },
});

export const RELEASE_USAGE = usage(RELEASE_COMMAND);

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

function stack(value: string | undefined, appFlag: string): string | undefined {
  if (value === undefined) return undefined;
  try {
    return parseStackName(value);
  } catch (error) {
    throw new UsageError(`${(error as Error).message} (or pass ${appFlag} <name>)`);
  }
}

export function parseReleaseArgs(argv: string[]): ReleaseArgs {
  const parsed = parseCommandLine(RELEASE_COMMAND, argv);
  if (parsed.help) {
    return {
      json: false,
      execute: false,
      maintenance: false,
      yes: false,
      verbose: false,
      help: true,
    };
  }
  const { values } = parsed;
  const args: ReleaseArgs = {
    from: stack(values.from, "--from-app"),
    to: stack(values.to, "--to-app"),
    fromApp: appOption("--from-app", values["from-app"]),
    toApp: appOption("--to-app", values["to-app"]),
    json: values.json === true,
    execute: values.execute === true,
    maintenance: values.maintenance === true,
    yes: values.yes === true,
    twoFactorCode: values["two-factor-code"],
    verbose: values.verbose === true,
    help: false,
  };
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
