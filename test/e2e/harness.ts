// Shared set-up of the emulated `pulumi up` tests: both emulators on 127.0.0.1, the providers'
// environment pointed at them, and the real index.ts loaded afresh for every run.
import { placeholderOverrides } from "../../tools/stackFile";
import { newId } from "../emulator/heroku/ids";
import { startGoDaddyEmulator, type GoDaddyEmulator } from "../emulator/godaddy";
import {
  startHerokuEmulator,
  type HerokuEmulator,
  type HerokuEmulatorOptions,
} from "../emulator/heroku";
import { upStack, type EngineState, type UpResult } from "../../tools/emulatedUp";
import { loadProgram, testSecrets } from "../support/stack";

export interface Emulators {
  heroku: HerokuEmulator;
  godaddy: GoDaddyEmulator;
  close(): Promise<void>;
}

export async function startEmulators(options: HerokuEmulatorOptions = {}): Promise<Emulators> {
  const heroku = await startHerokuEmulator(options);
  const godaddy = await startGoDaddyEmulator({ zones: { "gyana.com": [] } });
  Object.assign(process.env, {
    HEROKU_API_URL: heroku.url,
    HEROKU_API_KEY: heroku.token,
    HEROKU_POLL_INTERVAL_MS: "20",
    HEROKU_POLL_MAX_INTERVAL_MS: "50",
    GODADDY_API_URL: godaddy.url,
    GODADDY_API_KEY: godaddy.key,
    GODADDY_API_SECRET: godaddy.secret,
  });
  return {
    heroku,
    godaddy,
    close: async () => {
      await heroku.close();
      await godaddy.close();
    },
  };
}

export function createSharedPipeline(heroku: HerokuEmulator, name = "gyana"): void {
  // Straight into the emulator's state: the owning stack (prod) would have created it.
  const now = heroku.state.now();
  const id = newId();
  heroku.state.pipelines.set(id, { id, name, owner: null, createdAt: now, updatedAt: now });
}

/** Requests that could change something, as `METHOD route`. */
export function herokuWrites(heroku: HerokuEmulator): string[] {
  return heroku.requests.filter((r) => r.method !== "GET").map((r) => r.route);
}

export async function up(
  stack: string,
  state: EngineState | undefined,
  options: {
    overrides?: Record<string, string>;
    secrets?: Record<string, string>;
    refresh?: boolean;
  } = {},
): Promise<UpResult> {
  return upStack(stack, {
    program: loadProgram,
    secrets: { ...(await testSecrets()), ...options.secrets },
    // A real up refuses `change-me` placeholders; the rehearsal gives them test values.
    overrides: { ...placeholderOverrides(stack, "e2e"), ...options.overrides },
    ...(state ? { state } : {}),
    ...(options.refresh ? { refresh: true } : {}),
  });
}

/** `op name` of every step that changed something. */
export function changes(result: { steps: { op: string; name: string }[] }): string[] {
  return result.steps
    .filter((s) => s.op !== "same")
    .map((s) => `${s.op} ${s.name}`)
    .sort();
}
