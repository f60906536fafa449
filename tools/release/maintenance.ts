// Maintenance mode around a change: turn it on only when asked, and always put back exactly the
// state found, also when the change fails. A restore that itself fails is reported with the
// command that finishes the job by hand, never swallowed.
import type { HerokuClient } from "../../providers/heroku/client";
import { appPath, RefusedError, type Io } from "./cli";

export interface MaintenanceOptions {
  /** `--maintenance`: turn maintenance on for the change if it is off. */
  enable: boolean;
  /** Refuse when maintenance is off and `enable` is false (the rollback needs it). */
  require: boolean;
  /** Why maintenance is required, for the refusal. */
  reason?: string;
}

export async function maintenanceState(client: HerokuClient, app: string): Promise<boolean> {
  const info = await client.get<{ maintenance: boolean }>(appPath(app));
  return info.maintenance === true;
}

/**
 * Runs `change` with maintenance handled as asked. Refuses (before any write) when maintenance is
 * required, off, and `enable` was not given.
 */
export async function withMaintenance<T>(
  client: HerokuClient,
  app: string,
  io: Io,
  options: MaintenanceOptions,
  change: () => Promise<T>,
): Promise<T> {
  const before = await maintenanceState(client, app);
  if (!before && !options.enable) {
    if (!options.require) return change();
    throw new RefusedError(
      `maintenance mode is off on ${app}${options.reason ? `; ${options.reason}` : ""}. ` +
        `Turn it on first (heroku maintenance:on --app ${app}) or pass --maintenance, which ` +
        `turns it on and restores it at the end. Nothing was changed.`,
    );
  }
  if (before) {
    io.err(`Maintenance mode is already on for ${app}; leaving it on.`);
    return change();
  }
  io.err(`Turning maintenance mode on for ${app}.`);
  await client.patch(appPath(app), { maintenance: true });
  let failed = false;
  try {
    return await change();
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    try {
      await client.patch(appPath(app), { maintenance: false });
      io.err(`Maintenance mode restored to off for ${app}.`);
    } catch (restoreError) {
      const why = restoreError instanceof Error ? restoreError.message : String(restoreError);
      io.err(
        `ERROR: could not turn maintenance mode back off for ${app}: ${why}\n` +
          `  Run: heroku maintenance:off --app ${app}`,
      );
      // The change's own error matters more; otherwise the failed restore is the error.
      if (!failed) throw restoreError;
    }
  }
}
