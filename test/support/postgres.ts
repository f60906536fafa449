// A throwaway PostgreSQL server for tests: initdb into a temp dir, start on a free port on
// 127.0.0.1 (unix socket inside the temp dir), create a database, and stop + remove it all.
// Nothing here assumes a server is already running; `.ci/run` can call it on a bare machine
// that has the PostgreSQL binaries (`apt-get install -y postgresql`).
import { spawn, type SpawnOptions } from "node:child_process";
import {
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { Client } from "pg";

export interface PostgresServer {
  /** `postgres://postgres@127.0.0.1:<port>/<database>?sslmode=disable` */
  url: string;
  host: string;
  port: number;
  user: string;
  database: string;
  /** The temp dir holding the data directory, socket and server log. */
  dir: string;
  /** Runs SQL as the superuser against the test database, one statement after another in one session. */
  query<R extends Record<string, unknown> = Record<string, unknown>>(
    sql: string,
    params?: unknown[],
  ): Promise<R[]>;
  /** Stops the server and removes its temp dir. Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  /** Database to create; default `gyana`. */
  database?: string;
}

/** Finds a directory holding both `initdb` and `pg_ctl`: PATH first, then /usr/lib/postgresql/<newest>/bin. */
export function findPostgresBinDir(): string {
  const candidates = (process.env.PATH ?? "").split(delimiter).filter(Boolean);
  const debianRoot = "/usr/lib/postgresql";
  if (existsSync(debianRoot)) {
    const versions = readdirSync(debianRoot)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => join(debianRoot, v, "bin")));
  }
  const found = candidates.find(
    (dir) => existsSync(join(dir, "initdb")) && existsSync(join(dir, "pg_ctl")),
  );
  if (!found) {
    throw new Error(
      "PostgreSQL binaries not found: neither PATH nor /usr/lib/postgresql/*/bin has initdb and pg_ctl " +
        "(install them with `apt-get install -y postgresql`)",
    );
  }
  return found;
}

export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const database = options.database ?? "gyana";
  const bin = findPostgresBinDir();
  const dir = mkdtempSync(join(tmpdir(), "gyana-pg-"));
  const data = join(dir, "data");
  const log = join(dir, "server.log");
  // initdb and postgres refuse to run as root; CI containers often are root.
  const runAs = process.getuid?.() === 0 ? unprivilegedUser() : undefined;
  if (runAs) chownSync(dir, runAs.uid, runAs.gid);
  const spawnOptions: SpawnOptions = runAs ? { uid: runAs.uid, gid: runAs.gid } : {};

  let port = 0;
  let started = false;
  // One superuser session for every query (a new connection is a new server process: 10 ms each,
  // which seeding a table row by row paid per row). Queries run one after another on it.
  let session: Promise<Client> | undefined;
  const connect = async (): Promise<Client> => {
    const client = new Client({ host: "127.0.0.1", port, user: "postgres", database });
    // The server stopping under an idle session is not an error of any test.
    client.on("error", () => undefined);
    await client.connect();
    return client;
  };
  const query = async <R extends Record<string, unknown>>(sql: string, params: unknown[] = []) => {
    session ??= connect().catch((error: unknown) => {
      session = undefined;
      throw error;
    });
    return (await (await session).query<R>(sql, params)).rows;
  };
  const closeSession = async (): Promise<void> => {
    const open = session;
    session = undefined;
    const client = await open?.catch(() => undefined);
    await client?.end().catch(() => undefined);
  };
  const stop = async (): Promise<void> => {
    await closeSession();
    if (started) {
      started = false;
      await run(join(bin, "pg_ctl"), ["stop", "-D", data, "-m", "immediate", "-w"], spawnOptions);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await initialiseDataDirectory(bin, data, spawnOptions, runAs);
    // A free port can be taken between probing and binding; try a few.
    for (let attempt = 1; !started; attempt++) {
      port = await freePort();
      const serverOptions = [
        "-c listen_addresses=127.0.0.1",
        `-c port=${port}`,
        `-c unix_socket_directories=${dir}`,
        "-c fsync=off",
        "-c synchronous_commit=off",
        "-c full_page_writes=off",
        "-c timezone=UTC",
      ].join(" ");
      try {
        await run(
          join(bin, "pg_ctl"),
          ["start", "-D", data, "-l", log, "-w", "-t", "60", "-o", serverOptions],
          spawnOptions,
        );
        started = true;
      } catch (error) {
        if (attempt >= 3) throw withLog(error, log);
      }
    }
    const admin = new Client({ host: "127.0.0.1", port, user: "postgres", database: "postgres" });
    await admin.connect();
    try {
      await admin.query(`create database "${database.replace(/"/g, '""')}"`);
    } finally {
      await admin.end();
    }
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }

  return {
    url: `postgres://postgres@127.0.0.1:${port}/${encodeURIComponent(database)}?sslmode=disable`,
    host: "127.0.0.1",
    port,
    user: "postgres",
    database,
    dir,
    query,
    stop,
  };
}

/**
 * initdb into `data`; or, when POSTGRES_TEMPLATE_DIR names a place (the test run's global set-up
 * does, inside its private TMPDIR), a copy of one initdb made there once per run: initdb takes a
 * second and a half, a copy a third of that.
 */
async function initialiseDataDirectory(
  bin: string,
  data: string,
  spawnOptions: SpawnOptions,
  runAs: { uid: number; gid: number } | undefined,
): Promise<void> {
  const initdb = (target: string) =>
    run(
      join(bin, "initdb"),
      ["-D", target, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-sync"],
      spawnOptions,
    );
  const template = process.env[TEMPLATE_DIR_VARIABLE];
  if (!template) return initdb(data);
  if (!existsSync(join(template, "PG_VERSION"))) {
    // Made aside and renamed into place, so a server started meanwhile by another test process
    // never copies half a template; the first rename wins.
    const building = mkdtempSync(`${template}-building-`);
    try {
      if (runAs) chownSync(building, runAs.uid, runAs.gid);
      await initdb(join(building, "data"));
      try {
        renameSync(join(building, "data"), template);
      } catch {
        // Another process made it first.
      }
    } finally {
      rmSync(building, { recursive: true, force: true });
    }
  }
  await run("cp", ["-a", template, data], spawnOptions);
}

/** Where test runs keep their one initdb (test/support/tempDirGuard.ts sets it). */
export const TEMPLATE_DIR_VARIABLE = "GYANA_POSTGRES_TEMPLATE_DIR";

function unprivilegedUser(): { uid: number; gid: number } {
  const passwd = readFileSync("/etc/passwd", "utf8").split("\n");
  for (const name of ["postgres", "nobody"]) {
    const fields = passwd.find((line) => line.startsWith(`${name}:`))?.split(":");
    if (fields && fields[2] && fields[3]) return { uid: Number(fields[2]), gid: Number(fields[3]) };
  }
  throw new Error("running as root and no `postgres` or `nobody` user to run PostgreSQL as");
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function run(command: string, args: string[], options: SpawnOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${command} ${args.join(" ")} exited with ${code}:\n${output}`)),
    );
  });
}

function withLog(error: unknown, log: string): Error {
  const tail = existsSync(log) ? readFileSync(log, "utf8").split("\n").slice(-20).join("\n") : "";
  const message = error instanceof Error ? error.message : String(error);
  return new Error(`${message}\nserver log:\n${tail}`);
}
