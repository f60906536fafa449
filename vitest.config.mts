import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";
import SlowFilesFirst from "./test/support/slowFilesFirst";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // A private TMPDIR per run; the run fails if a test leaves anything in it.
    globalSetup: ["test/support/tempDirGuard.ts"],
    // Pulumi's closure serializer fails under worker threads ("Trace events are unavailable").
    pool: "forks",
    // Test files share worker processes and the modules loaded in them: @pulumi/pulumi and the
    // providers load, and each provider's closure is serialized, once per worker instead of once
    // per file (that was most of the suite's CPU). test/support/fileIsolation.ts gives every file
    // back the process environment it started with (docs/benchmarks.md has the figures).
    isolate: false,
    setupFiles: ["test/support/fileIsolation.ts", "test/support/plainPulumiPromiseTraces.ts"],
    // Vitest's default is one worker per core but one; on 2 cores that ran the files one at a
    // time while most of them wait on child processes (provider hosts, PostgreSQL, commands).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // Provider progress and placeholder warnings are expected; show them only when a test fails.
    silent: "passed-only",
    sequence: { sequencer: SlowFilesFirst },
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
