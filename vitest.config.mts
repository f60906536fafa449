import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // A private TMPDIR per run; the run fails if a test leaves anything in it.
    globalSetup: ["test/support/tempDirGuard.ts"],
    // Pulumi's closure serializer fails under worker threads ("Trace events are unavailable").
    pool: "forks",
    // Provider progress and placeholder warnings are expected; show them only when a test fails.
    silent: "passed-only",
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
