// Test files share worker processes and their loaded modules (vitest.config.mts, isolate: false),
// so what one file changes in the process must not reach the next: each file ends with the
// environment variables, global fetch, mocks, stubs and timers it started with.
import { afterAll, vi } from "vitest";

const environment = { ...process.env };
const fetch = globalThis.fetch;

afterAll(() => {
  for (const key of Object.keys(process.env)) {
    if (!(key in environment)) delete process.env[key];
  }
  Object.assign(process.env, environment);
  globalThis.fetch = fetch;
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  vi.unstubAllEnvs();
  vi.useRealTimers();
});
