// A realistic Gyana history shared by the rollback tests: releases v40..v43 of the app and the
// django_migrations rows their release phases (`release: python manage.py migrate`) left behind.
//
//   v41 "Deploy 5d1e2a7"  2026-11-18T10:00:00Z  target of the rollback
//   v42 "Deploy 9c3f0b4"  2026-11-20T14:00:00Z  the bad deploy: the cut-off
//   v43 config change     2026-11-20T15:00:00Z
import type { PostgresServer } from "../support/postgres";

export const CUTOFF = "2026-11-20T14:00:00Z";

export const RELEASES = [
  { version: 40, description: "Deploy 1b7c9e2", createdAt: "2026-11-10T09:00:00Z" },
  { version: 41, description: "Deploy 5d1e2a7", createdAt: "2026-11-18T10:00:00Z" },
  { version: 42, description: "Deploy 9c3f0b4", createdAt: CUTOFF },
  {
    version: 43,
    description: "Set SENDGRID_API_KEY config vars",
    createdAt: "2026-11-20T15:00:00Z",
  },
];

/** [id, app, name, applied]. Ids are explicit so ties can be broken the "wrong" way by name. */
export const MIGRATIONS: [number, string, string, string][] = [
  [1, "contenttypes", "0001_initial", "2021-03-01T12:00:00.100000Z"],
  [2, "contenttypes", "0002_remove_content_type_name", "2021-03-01T12:00:00.200000Z"],
  [3, "auth", "0001_initial", "2021-03-01T12:00:00.300000Z"],
  [4, "auth", "0012_alter_user_first_name_max_length", "2021-03-01T12:00:01.000000Z"],
  [10, "users", "0001_initial", "2021-03-01T12:00:02.000000Z"],
  [11, "users", "0005_customuser_onboarded", "2026-11-10T09:01:30.000000Z"],
  [20, "teams", "0001_initial", "2021-03-01T12:00:03.000000Z"],
  [21, "teams", "0003_team_plan", "2026-11-18T10:01:40.000000Z"],
  [30, "projects", "0001_initial", "2021-03-01T12:00:04.000000Z"],
  [31, "projects", "0030_project_cname", "2026-11-18T10:01:41.000000Z"],
  [40, "integrations", "0001_initial", "2021-03-01T12:00:05.000000Z"],
  [41, "integrations", "0040_integration_ready", "2026-11-18T10:01:42.000000Z"],
  // Two widgets migrations recorded in the same microsecond: the higher id is the later one,
  // even though its name sorts first.
  [50, "widgets", "0001_initial", "2021-03-01T12:00:06.000000Z"],
  [51, "widgets", "0021_widget_kind", "2026-11-18T10:01:43.250000Z"],
  [52, "widgets", "0020_widget_colour", "2026-11-18T10:01:43.250000Z"],
  // v42's release phase. integrations/0041 is recorded exactly at the cut-off.
  [60, "integrations", "0041_integration_sheet_url", "2026-11-20T14:00:00.000000Z"],
  [61, "widgets", "0022_widget_show_tooltips", "2026-11-20T14:03:09.000000Z"],
  [62, "users", "0006_customuser_marketing_allowed", "2026-11-20T14:03:10.000000Z"],
  [63, "projects", "0031_project_access", "2026-11-20T14:03:11.000000Z"],
  [64, "projects", "0032_project_runs_info", "2026-11-20T14:03:12.000000Z"],
  // A new Django app: every migration of it is new, so it goes back to zero.
  [65, "nodes", "0001_initial", "2026-11-20T14:03:13.000000Z"],
  [66, "nodes", "0002_node_error", "2026-11-20T14:03:14.000000Z"],
];

/** What the plan must say for the cut-off above, latest change first. */
export const EXPECTED_PLAN = [
  { app: "nodes", name: "zero" },
  { app: "projects", name: "0030_project_cname" },
  { app: "users", name: "0005_customuser_onboarded" },
  { app: "widgets", name: "0020_widget_colour" },
  { app: "integrations", name: "0040_integration_ready" },
];

/** Creates Django's own table (as `migrate` does) and fills it. */
export async function seedMigrations(pg: PostgresServer, schema = "public"): Promise<void> {
  await pg.query(`
    create table ${schema}.django_migrations (
      id serial primary key,
      app varchar(255) not null,
      name varchar(255) not null,
      applied timestamp with time zone not null
    )`);
  for (const [id, app, name, applied] of MIGRATIONS) {
    await pg.query(
      `insert into ${schema}.django_migrations (id, app, name, applied) values ($1, $2, $3, $4)`,
      [id, app, name, applied],
    );
  }
  await pg.query(
    `select setval(pg_get_serial_sequence('${schema}.django_migrations', 'id'), max(id)) from ${schema}.django_migrations`,
  );
}
