// How the rollback reaches the app's Postgres. Heroku Postgres requires TLS and presents
// certificates that do not chain to a public CA, so TLS is on by default without verification
// (`rejectUnauthorized: false`, what Heroku documents for Node). Plain TCP is only for a local
// server, and only when asked explicitly: `--no-ssl`, `sslmode=disable` in the URL, or
// PGSSLMODE=disable, in that order of precedence.
import type { ClientConfig } from "pg";
import { RefusedError, UsageError } from "../release/cli";

export type TlsMode = "disable" | "require" | "verify-full";

export interface DatabaseTarget {
  config: ClientConfig;
  tls: TlsMode;
  /** Where the TLS decision came from, for the plan output. */
  tlsSource: string;
  /** `host:port/database`, without credentials, for messages. */
  display: string;
}

const SSL_MODES: Record<string, TlsMode> = {
  disable: "disable",
  allow: "require",
  prefer: "require",
  require: "require",
  "verify-ca": "verify-full",
  "verify-full": "verify-full",
};

function tlsMode(value: string, where: string): TlsMode {
  const mode = SSL_MODES[value];
  if (!mode) {
    throw new UsageError(
      `${where} sslmode "${value}" is not understood; allowed: ${Object.keys(SSL_MODES).join(", ")}`,
    );
  }
  return mode;
}

/**
 * Turns a `postgres://` URL into a pg config with an explicit TLS choice. The URL is parsed here
 * rather than handed to pg as a connection string, because pg lets a URL's `sslmode` override
 * the `ssl` option given next to it.
 */
export function databaseTarget(
  url: string,
  options: { noSsl?: boolean; env?: Record<string, string | undefined> } = {},
): DatabaseTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(
      "the database URL is not a URL (expected postgres://user:pass@host:port/db)",
    );
  }
  if (parsed.protocol !== "postgres:" && parsed.protocol !== "postgresql:") {
    throw new UsageError(`the database URL must start with postgres://, not ${parsed.protocol}//`);
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ""));
  if (!parsed.hostname || !database) {
    throw new UsageError("the database URL needs a host and a database name");
  }

  let tls: TlsMode = "require";
  let tlsSource = "default for Heroku Postgres";
  const urlMode = parsed.searchParams.get("sslmode");
  const envMode = (options.env ?? process.env)["PGSSLMODE"];
  if (options.noSsl) {
    tls = "disable";
    tlsSource = "--no-ssl";
  } else if (urlMode) {
    tls = tlsMode(urlMode, "the database URL's");
    tlsSource = `sslmode=${urlMode} in the URL`;
  } else if (envMode) {
    tls = tlsMode(envMode, "PGSSLMODE's");
    tlsSource = `PGSSLMODE=${envMode}`;
  }

  const port = parsed.port ? Number(parsed.port) : 5432;
  return {
    config: {
      host: parsed.hostname.replace(/^\[(.*)\]$/, "$1"),
      port,
      user: decodeURIComponent(parsed.username),
      password: decodeURIComponent(parsed.password),
      database,
      ssl: tls === "disable" ? false : { rejectUnauthorized: tls === "verify-full" },
      application_name: "gyana-rollback",
      connectionTimeoutMillis: 15_000,
      statement_timeout: 60_000,
    },
    tls,
    tlsSource,
    display: `${parsed.hostname}:${port}/${database}`,
  };
}

/** `host:port/database` of a URL, without credentials: what identifies the database. */
function location(url: string): { host: string; database: string; display: string } {
  const target = databaseTarget(url, { noSsl: true });
  return {
    host: String(target.config.host).toLowerCase(),
    database: String(target.config.database),
    display: target.display,
  };
}

/**
 * `--database-url` may carry another credential (a read-only one, say), but it must reach the
 * database the app's dynos migrate: the plan is read from it, and `migrate` runs on the dynos
 * against the app's DATABASE_URL. Same host and database name, or refuse. Neither URL is shown.
 */
export function checkSameDatabase(given: string, appUrl: string | undefined, app: string): void {
  if (!appUrl) {
    throw new RefusedError(
      `${app} has no DATABASE_URL config var, so --database-url cannot be checked against the ` +
        `database its dynos migrate. Nothing was changed.`,
    );
  }
  const mine = location(given);
  const theirs = location(appUrl);
  if (mine.host === theirs.host && mine.database === theirs.database) return;
  throw new RefusedError(
    `--database-url points at ${mine.display}, but ${app}'s DATABASE_URL points at ` +
      `${theirs.display}: the plan would be read from one database while \`migrate\` changes ` +
      `the other. Leave out --database-url to use the app's own. Nothing was changed.`,
  );
}
