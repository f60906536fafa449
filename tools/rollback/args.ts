// The rollback command line: what may be combined with what, checked before anything runs.
// Parsed by the shared convention (tools/cli: -h/--help, exit codes, unknown flags named).
import { defineCommand, EXIT, parseCommandLine, usage } from "../cli/command";
import { parseStackName } from "../cli/stacks";
import { appOption, shellQuote, UsageError } from "../release/cli";
import { isAppLabel } from "./djangoNames";
import { parseSince, parseVersion, PlanError } from "./plan";

export const ROLLBACK_COMMAND = defineCommand({
  command: "npm run rollback --",
  synopsis: "--stack <stack> --to <version> [options]",
  description:
    "Reverses the Django migrations applied since the release after <version>, then rolls the\n" +
    "code back to <version>. Without --execute it only prints the plan and changes nothing.\n" +
    "Without the Heroku API: npm run rollback -- --since <ISO time> --database-url <url> plans\n" +
    "from a known cut-off. docs/rollback.md has the procedure.",
  positionals: { min: 0, max: 0 },
  options: {
    stack: {
      type: "string",
      valueName: "<stack>",
      description: "stack whose Heroku app to roll back (dev, staging, prod)",
    },
    app: { type: "string", valueName: "<name>", description: "Heroku app, instead of --stack" },
    to: {
      type: "string",
      valueName: "<version>",
      description: "release to roll back to: 41 or v41",
    },
    "database-url": {
      type: "string",
      valueName: "<url>",
      description: "the app's own database with another credential (default: its DATABASE_URL)",
    },
    "no-ssl": {
      type: "boolean",
      description: "no TLS, for a local server (or sslmode=disable, PGSSLMODE=disable)",
    },
    since: {
      type: "string",
      valueName: "<time>",
      description: "plan from a known cut-off (ISO 8601 with zone), without Heroku",
    },
    json: { type: "boolean", description: "print the plan as one JSON document (plan only)" },
    execute: { type: "boolean", description: "do it: needs maintenance mode on, or --maintenance" },
    maintenance: {
      type: "boolean",
      description: "maintenance mode on for the rollback; off after success, on after a failure",
    },
    yes: {
      type: "boolean",
      description: "do not ask for confirmation (needed without a terminal)",
    },
    "allow-zero": {
      type: "string",
      multiple: true,
      valueName: "<label>",
      description: "confirm that Django app <label> goes back to zero (repeat per app)",
    },
    verbose: { type: "boolean", description: "show the API calls behind each step" },
  },
  exitCodes: {
    [EXIT.OK]: "rolled back, nothing to do, or the plan was printed",
    [EXIT.FAILED]: "refused or failed; the message says what was and was not changed",
    [EXIT.USAGE]: "bad arguments or unknown stack; nothing ran",
  },
});

export const ROLLBACK_USAGE = usage(ROLLBACK_COMMAND);

export interface RollbackArgs {
  stack?: string;
  app?: string;
  to?: number;
  since?: string;
  databaseUrl?: string;
  noSsl: boolean;
  json: boolean;
  execute: boolean;
  maintenance: boolean;
  yes: boolean;
  /** Django app labels the operator confirmed may go back to zero. */
  allowZero: string[];
  verbose: boolean;
  help: boolean;
}

export function parseRollbackArgs(argv: string[]): RollbackArgs {
  const parsed = parseCommandLine(ROLLBACK_COMMAND, argv);
  const none = { noSsl: false, json: false, execute: false, maintenance: false, yes: false };
  if (parsed.help) return { ...none, allowZero: [], verbose: false, help: true };
  const { values } = parsed;
  let stack: string | undefined;
  if (values.stack !== undefined) {
    try {
      stack = parseStackName(values.stack);
    } catch (error) {
      throw new UsageError(`${(error as Error).message} (or pass --app <name>)`);
    }
  }
  const args: RollbackArgs = {
    stack,
    app: appOption("--app", values.app),
    databaseUrl: values["database-url"],
    noSsl: values["no-ssl"] === true,
    json: values.json === true,
    execute: values.execute === true,
    maintenance: values.maintenance === true,
    yes: values.yes === true,
    allowZero: values["allow-zero"] ?? [],
    verbose: values.verbose === true,
    help: false,
  };
  const badLabel = args.allowZero.find((label) => !isAppLabel(label));
  if (badLabel !== undefined) {
    throw new UsageError(
      `--allow-zero ${JSON.stringify(badLabel)} is not a Django app label; allowed: a Python ` +
        `identifier such as nodes`,
    );
  }

  if (values.since !== undefined) {
    const clashes = ["to", "stack", "app", "execute", "maintenance", "allow-zero"].filter(
      (name) => (values as Record<string, unknown>)[name] !== undefined,
    );
    if (clashes.length > 0) {
      throw new UsageError(
        `--since plans from a known cut-off without Heroku, so it cannot take ${clashes.map((c) => `--${c}`).join(", ")}`,
      );
    }
    if (!args.databaseUrl) throw new UsageError("--since needs --database-url <url>");
    try {
      args.since = parseSince(values.since);
    } catch (error) {
      throw new UsageError((error as PlanError).message);
    }
    return args;
  }

  if (!args.stack && !args.app)
    throw new UsageError("give --stack <dev|staging|prod> or --app <name>");
  if (args.stack && args.app) {
    throw new UsageError(
      `give --stack or --app, not both: --stack ${args.stack} and --app ${args.app} could name ` +
        `different apps`,
    );
  }
  if (values.to === undefined)
    throw new UsageError("give --to <version>, the release to roll back to");
  args.to = parseVersion(values.to);
  if (args.to === undefined) {
    throw new UsageError(
      `--to "${values.to}" is not a release version; allowed: a number like 41 or v41`,
    );
  }
  if (args.json && args.execute) {
    throw new UsageError("--json prints the plan only; run --execute without --json");
  }
  return args;
}

/**
 * The command that re-runs this rollback, for the resume message. It never carries a database
 * URL: `--database-url` was checked to reach the app's own database, which the command reads from
 * the app's DATABASE_URL by default, and a URL taken from the operator's shell could be another.
 */
export function resumeCommand(args: RollbackArgs): string {
  const parts = ["npm run rollback --"];
  if (args.stack) parts.push(`--stack ${shellQuote(args.stack)}`);
  if (args.app) parts.push(`--app ${shellQuote(args.app)}`);
  parts.push(`--to ${args.to}`);
  if (args.noSsl) parts.push("--no-ssl");
  parts.push("--execute");
  if (args.maintenance) parts.push("--maintenance");
  for (const label of args.allowZero) parts.push(`--allow-zero ${label}`);
  return parts.join(" ");
}
