// Shared by the core Heroku provider tests: an emulator wired into the provider environment, and
// a counter of the API requests one step makes.
import { afterAll, beforeAll, expect } from "vitest";
import {
  startHerokuEmulator,
  type HerokuEmulator,
  type HerokuEmulatorOptions,
} from "../emulator/heroku";
import { runUnderMocks } from "../../tools/mockRuntime";

/** Starts an emulator before the file's tests and points HEROKU_API_URL/KEY at it. */
export function useHerokuEmulator(options: HerokuEmulatorOptions = {}): { emu: HerokuEmulator } {
  const holder = {} as { emu: HerokuEmulator };
  beforeAll(async () => {
    holder.emu = await startHerokuEmulator(options);
    process.env["HEROKU_API_URL"] = holder.emu.url;
    process.env["HEROKU_API_KEY"] = holder.emu.token;
    process.env["HEROKU_POLL_INTERVAL_MS"] = "5";
    process.env["HEROKU_POLL_MAX_INTERVAL_MS"] = "20";
  });
  afterAll(async () => {
    const violations = [...holder.emu.violations];
    await holder.emu.close();
    // Every request and response of the file's tests matched the Platform API schema.
    expect(violations).toEqual([]);
  });
  return holder;
}

/** Runs one provider step and returns its result with the `METHOD /route` list it requested. */
export async function counted<T>(
  emu: HerokuEmulator,
  step: () => Promise<T>,
): Promise<{ result: T; routes: string[] }> {
  const before = emu.requests.length;
  const result = await step();
  return { result, routes: emu.requests.slice(before).map((r) => r.route) };
}

interface RegisterRequestLike {
  getName(): string;
  getAdditionalsecretoutputsList(): string[];
}

/**
 * The `additionalSecretOutputs` each declared resource sends to the engine, per resource name (the
 * mock runtime records inputs, not options, so this listens on the monitor while declaring).
 */
export async function secretOutputsOf(declare: () => void): Promise<Record<string, string[]>> {
  const seen: Record<string, string[]> = {};
  await runUnderMocks({
    project: "gyana",
    stack: "test",
    config: {},
    secretKeys: [],
    program: () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const settings = require("@pulumi/pulumi/runtime/settings") as {
        getMonitor(): {
          registerResource(req: RegisterRequestLike, cb: unknown): Promise<void>;
        };
      };
      const monitor = settings.getMonitor();
      const original = monitor.registerResource.bind(monitor);
      monitor.registerResource = (req, cb) => {
        seen[req.getName()] = req.getAdditionalsecretoutputsList();
        return original(req, cb);
      };
      declare();
      return {};
    },
  });
  return seen;
}
