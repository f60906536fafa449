// The throwaway PostgreSQL servers of the tests (test/support/postgres.ts): each its own data,
// whether made by initdb or copied from the run's one initdb.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startPostgres, TEMPLATE_DIR_VARIABLE } from "./postgres";

/** Starts a server the way `npm run rehearse` does on an operator's machine: initdb, no template. */
function startWithoutTemplate() {
  const template = process.env[TEMPLATE_DIR_VARIABLE];
  delete process.env[TEMPLATE_DIR_VARIABLE];
  try {
    // The variable is read before startPostgres first waits, so restoring it at once is safe.
    return startPostgres({ database: "plain" });
  } finally {
    process.env[TEMPLATE_DIR_VARIABLE] = template;
  }
}

describe("test PostgreSQL servers", () => {
  it("started at once from the run's template, or by initdb, hold their own data", async () => {
    const template = process.env[TEMPLATE_DIR_VARIABLE];
    expect(template).toBeDefined();
    const servers = await Promise.all([
      startPostgres({ database: "first" }),
      startPostgres({ database: "second" }),
      startWithoutTemplate(),
    ]);
    try {
      expect(existsSync(join(template!, "PG_VERSION"))).toBe(true);
      const [first, second, plain] = servers;
      await first!.query("create table only_here (id int)");
      const tables = async (server: typeof first) =>
        (
          await server!.query<{ name: string }>(
            "select table_name as name from information_schema.tables where table_schema = 'public'",
          )
        ).map((row) => row.name);
      expect(await tables(first)).toEqual(["only_here"]);
      expect(await tables(second)).toEqual([]);
      expect(await tables(plain)).toEqual([]);
      expect(new Set(servers.map((server) => server.port)).size).toBe(3);
      expect((await plain!.query<{ db: string }>("select current_database() as db"))[0]?.db).toBe(
        "plain",
      );
    } finally {
      await Promise.all(servers.map((server) => server.stop()));
    }
  });
});
