// App labels and migration names come from the django_migrations table, a place anyone with write
// access to the database can put text. They end up on manage.py's command line on a production
// dyno, so only what Django itself can produce gets through: a value starting with `-` would
// otherwise be read as an option (`--fake`, `--database=...`), and shell syntax would run.
import type { MigrationTarget } from "./migrations";

// Django refuses an app label that is not a Python identifier (AppConfig: "The app label '%s' is
// not a valid Python identifier."); Python identifiers are XID_Start/underscore then XID_Continue
// (Python language reference, "Identifiers and keywords").
const APP_LABEL = /^[\p{XID_Start}_]\p{XID_Continue}*$/u;
// A migration name is its module's file name: identifier characters that may start with a digit
// (`0001_initial`; `makemigrations --name` must be an identifier, and Django prefixes the number).
const MIGRATION_NAME = /^\p{XID_Continue}+$/u;

export function isAppLabel(text: string): boolean {
  return APP_LABEL.test(text);
}

export function isMigrationName(text: string): boolean {
  return MIGRATION_NAME.test(text);
}

export class DjangoNameError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `django_migrations holds names that are not Django identifiers, so they are not passed to ` +
        `manage.py: ${problems.join("; ")}. Check the table: a real migration never has such a name.`,
    );
    this.name = "DjangoNameError";
  }
}

/** Throws a `DjangoNameError` listing every label or name of the plan that Django cannot have. */
export function checkDjangoNames(targets: MigrationTarget[]): void {
  const problems: string[] = [];
  for (const target of targets) {
    if (!isAppLabel(target.app)) {
      problems.push(`app ${JSON.stringify(target.app)} (an app label is a Python identifier)`);
      continue;
    }
    for (const name of [target.name, ...target.reverses]) {
      if (!isMigrationName(name)) {
        problems.push(
          `migration ${JSON.stringify(name)} of app ${JSON.stringify(target.app)} (a migration ` +
            `name is letters, digits and underscores)`,
        );
      }
    }
  }
  if (problems.length > 0) throw new DjangoNameError(problems);
}
