// The operator commands' Heroku client: the project's one client, configured from the
// environment (HEROKU_API_KEY, and HEROKU_API_URL for the emulator), with a message that fits
// a command line rather than `pulumi up` when the key is missing.
import { herokuClientFromEnv, type HerokuClient } from "../../providers/heroku/client";
import { RefusedError } from "./cli";

export function operatorHerokuClient(
  env: Record<string, string | undefined> = process.env,
): HerokuClient {
  if (!env["HEROKU_API_KEY"]) {
    throw new RefusedError(
      "HEROKU_API_KEY is not set: export a Heroku API key first (heroku auth:token, or " +
        "heroku authorizations:create for a long-lived one)",
    );
  }
  return herokuClientFromEnv();
}
