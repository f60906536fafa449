// Pulumi's runtime records a stack trace on every promise it makes (`debuggablePromise`; printed
// only for promises still pending at exit). Under vitest each of those traces went through the
// module runner's source-mapping `Error.prepareStackTrace`: a sixth of the CPU of every program
// run in a test. Those traces get their first frames in V8's plain format; every other error
// keeps the mapped one, so failures still point at TypeScript lines
// (test/support/stackTraces.test.ts).
import { sep } from "node:path";

/** Enough to find who made a leaked promise; formatting every frame cost as much again. */
const TRACE_FRAMES = 3;
const PULUMI_PROMISE_TRACE = ["@pulumi", "pulumi", "runtime", "debuggable.js"].join(sep);

type PrepareStackTrace = ((error: Error, frames: NodeJS.CallSite[]) => unknown) & {
  plainForPulumi?: true;
};

const mapped = Error.prepareStackTrace as PrepareStackTrace | undefined;
// Setup files run again for every test file in a worker (isolate: false): wrap only once.
if (mapped && !mapped.plainForPulumi) {
  const prepare: PrepareStackTrace = (error, frames) =>
    frames[0]?.getFileName()?.endsWith(PULUMI_PROMISE_TRACE)
      ? `${String(error)}\n    at ${frames.slice(0, TRACE_FRAMES).join("\n    at ")}`
      : mapped(error, frames);
  prepare.plainForPulumi = true;
  Error.prepareStackTrace = prepare;
}
