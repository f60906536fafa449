// The runbook's SQL, with its edges fixed: which Django apps changed at or after the cut-off and
// the migration each must go back to. It is read-only and parameterised (the cut-off is $1).
import { Client } from "pg";
import type { DatabaseTarget } from "./database";

/** One `python manage.py migrate <app> <name>` of the plan. */
export interface MigrationTarget {
  /** The Django app label (`projects`, `widgets`, ...). */
  app: string;
  /** The latest migration applied strictly before the cut-off, or `zero`. */
  name: string;
  /** The migrations this step unapplies, latest first, as recorded in django_migrations. */
  reverses: string[];
  /** When this app's latest migration was applied (ISO), which orders the steps. */
  lastApplied: string;
}

/**
 * - A migration applied exactly at the cut-off counts as changed (`>=`): the runbook used `>` for
 *   changed and `<` for kept, so such a migration was neither reversed nor kept.
 * - The kept migration is the latest before the cut-off by (applied, id): ties on `applied` are
 *   broken by id, never by chance (the runbook's `rank()` returned both rows of a tie).
 * - An app whose every migration is new goes back to `zero`.
 * - Steps run latest change first (docs/rollback.md, "Order of the apps").
 */
export const MIGRATION_PLAN_SQL = `
with changed as (
  select app,
         array_agg(name order by applied desc, id desc) as reverses,
         max(applied) as last_applied,
         (array_agg(id order by applied desc, id desc))[1] as last_id
  from django_migrations
  where applied >= $1::timestamptz
  group by app
),
kept as (
  select distinct on (app) app, name
  from django_migrations
  where applied < $1::timestamptz
  order by app, applied desc, id desc
)
select c.app, coalesce(k.name, 'zero') as name, c.reverses, c.last_applied
from changed c
left join kept k on k.app = c.app
order by c.last_applied desc, c.last_id desc
`;

interface Row {
  app: string;
  name: string;
  reverses: string[];
  last_applied: Date;
}

/** Runs the plan query in a read-only transaction. */
export async function loadMigrationTargets(
  target: DatabaseTarget,
  cutoff: string,
): Promise<MigrationTarget[]> {
  const client = new Client(target.config);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    const why = error instanceof Error ? error.message : String(error);
    throw new Error(`could not connect to ${target.display} (TLS ${target.tls}): ${why}`);
  }
  try {
    await client.query("begin transaction read only");
    const result = await client.query<Row>(MIGRATION_PLAN_SQL, [cutoff]);
    await client.query("commit");
    return result.rows.map((row) => ({
      app: row.app,
      name: row.name,
      reverses: row.reverses,
      lastApplied: row.last_applied.toISOString(),
    }));
  } catch (error) {
    if ((error as { code?: string }).code === "42P01") {
      throw new Error(
        `${target.display} has no django_migrations table: is this the app's database?`,
      );
    }
    throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
}
