// The rollback command line: what may be combined with what, checked before anything runs.
import { parseFlags, shellQuote, UsageError } from "../release/cli";
import { isAppLabel } from "./djangoNames";
import { parseSince, parseVersion, PlanError } from "./plan";

export const ROLLBACK_USAGE = `Usage:
  npm run rollback -- --stack <dev|staging|prod> --to <version> [options]
  npm run rollback -- --since <ISO time> --database-url <url> [--json] [--no-ssl]

Reverses the Django migrations applied since the release after <version>, then rolls the code
back to <version>. Without --execute it only prints the plan and changes nothing.

Options:
  --stack <name>         stack whose Heroku app to roll back (dev, staging, prod)
  --app <name>           Heroku app, instead of --stack
  --to <version>         release to roll back to: 41 or v41
  --database-url <url>   Postgres URL to read the plan from, another credential for the app's
                         own database (default: the app's DATABASE_URL config var)
  --no-ssl               connect without TLS (a local server; also sslmode=disable in the URL
                         or PGSSLMODE=disable); Heroku Postgres needs TLS, the default
  --since <time>         plan from a known cut-off (ISO 8601 with zone), without the Heroku API
  --json                 print the plan as one JSON document (plan only)
  --execute              do it: needs maintenance mode on, or --maintenance
  --maintenance          turn maintenance mode on for the rollback and turn it off after
                         success (after a failure it stays on)
  --yes                  do not ask for confirmation (needed without a terminal)
  --allow-zero <label>   confirm that Django app <label> goes back to zero (every migration
                         unapplied, its tables dropped); repeat for each such app
  --verbose              show the API calls behind each step
  -h, --help             this text`;

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
  const values = parseFlags(argv, {
    stack: { type: "string" },
    app: { type: "string" },
    to: { type: "string" },
    since: { type: "string" },
    "database-url": { type: "string" },
    "no-ssl": { type: "boolean" },
    json: { type: "boolean" },
    execute: { type: "boolean" },
    maintenance: { type: "boolean" },
    yes: { type: "boolean" },
    "allow-zero": { type: "string", multiple: true },
    verbose: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  const args: RollbackArgs = {
    stack: values.stack,
    app: values.app,
    databaseUrl: values["database-url"],
    noSsl: values["no-ssl"] === true,
    json: values.json === true,
    execute: values.execute === true,
    maintenance: values.maintenance === true,
    yes: values.yes === true,
    allowZero: values["allow-zero"] ?? [],
    verbose: values.verbose === true,
    help: values.help === true,
  };
  if (args.help) return args;
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
