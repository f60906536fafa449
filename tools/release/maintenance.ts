// Maintenance mode around a change. With --maintenance (`enable`): on during the change, off after
// success, whatever state it was found in (a resumed run finds it on because the failed run left
// it on). After a failure it stays on: a change that stopped part way (a database half migrated
// or half reversed) must not meet live traffic until someone has looked; the operator is told
// why and how to finish or to turn it off. A failure that changed nothing turns it back off if
// this run turned it on. Without --maintenance, maintenance is left exactly as found.
import type { HerokuClient } from "../../providers/heroku/client";
import { appPath, RefusedError, type Io } from "./cli";

export interface MaintenanceOptions {
  /** `--maintenance`: turn maintenance on for the change if it is off. */
  enable: boolean;
  /** Refuse when maintenance is off and `enable` is false (the rollback needs it). */
  require: boolean;
  /** Why maintenance is required, for the refusal. */
  reason?: string;
  /** What to tell the operator when a failure leaves maintenance on. */
  leftOn: {
    /** "the rollback stopped part way, so the database may be half reversed" */
    why: string;
    /** "Finish the rollback (below)" */
    finish: string;
    /** True for a failure that changed nothing: then maintenance is turned back off. */
    nothingChanged?: (error: unknown) => boolean;
  };
}

export async function maintenanceState(client: HerokuClient, app: string): Promise<boolean> {
  const info = await client.get<{ maintenance: boolean }>(appPath(app));
  return info.maintenance === true;
}

async function turnOff(client: HerokuClient, app: string, io: Io, why: string): Promise<void> {
  try {
    await client.patch(appPath(app), { maintenance: false });
    io.err(`Maintenance mode turned back off for ${app}${why}.`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    io.err(
      `ERROR: could not turn maintenance mode back off for ${app}: ${message}\n` +
        `  Run: heroku maintenance:off --app ${app}`,
    );
    throw error;
  }
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
        `turns it on and off again after success. Nothing was changed.`,
    );
  }
  if (before && !options.enable) {
    io.err(`Maintenance mode is already on for ${app}; leaving it on.`);
    const result = await change();
    io.err(
      `Maintenance mode is still on for ${app}, as it was before. Turn it off when the site is ` +
        `ready: heroku maintenance:off --app ${app}`,
    );
    return result;
  }
  if (before) {
    // --maintenance means "on during the change, off after it": a resumed run finds it on
    // because the failed run left it on, and must still end with the site back up.
    io.err(`Maintenance mode is already on for ${app}; --maintenance turns it off after success.`);
  } else {
    io.err(`Turning maintenance mode on for ${app}.`);
    await client.patch(appPath(app), { maintenance: true });
  }
  let result: T;
  try {
    result = await change();
  } catch (error) {
    if (options.leftOn.nothingChanged?.(error)) {
      if (before)
        io.err(`Maintenance mode is still on for ${app}, as it was: nothing was changed.`);
      // The change's own error matters more than a failed restore, which turnOff reports.
      else await turnOff(client, app, io, ": nothing was changed").catch(() => undefined);
    } else {
      io.err(
        `Maintenance mode is still ON for ${app}: ${options.leftOn.why}. ` +
          `${options.leftOn.finish}, or, once you are sure the site is safe to serve, turn it ` +
          `off: heroku maintenance:off --app ${app}`,
      );
    }
    throw error;
  }
  await turnOff(client, app, io, "");
  return result;
}
