// test/support/plainPulumiPromiseTraces.ts: Pulumi's promise traces skip source mapping, every
// other stack trace keeps it.
import { readFileSync } from "node:fs";
import * as debuggable from "@pulumi/pulumi/runtime/debuggable";
import { describe, expect, it } from "vitest";

// Internal to @pulumi/pulumi (not in its typings): every promise its runtime makes goes through it.
const { debuggablePromise } = debuggable as unknown as {
  debuggablePromise<T>(promise: Promise<T>, context: string): Promise<T>;
};

/** The 1-based line of this file that holds `marker`. */
function lineOf(marker: string): number {
  const lines = readFileSync(__filename, "utf8").split("\n");
  return lines.findIndex((line) => line.includes(marker) && !line.includes("lineOf(")) + 1;
}

interface Unused {
  // Type-only lines that the transform drops, so unmapped positions would be off.
  a: string;
  b: number;
}

describe("stack traces under the test runner", () => {
  it("point at the TypeScript source line for errors made in test code", () => {
    const unused: Unused | undefined = undefined;
    const stack = new Error(`here ${String(unused)}`).stack ?? ""; // trace-marker
    expect(stack).toContain(`stackTraces.test.ts:${lineOf("trace-marker")}:`);
  });

  it("are V8's plain format for the trace Pulumi keeps on every promise", async () => {
    // debuggablePromise keeps the trace on the promise it is given.
    const promise = Promise.resolve() as Promise<void> & { _debugStackTrace?: string };
    await debuggablePromise(promise, "a test promise");
    expect(promise._debugStackTrace).toMatch(
      /^Error\n {4}at debuggablePromise \(.*debuggable\.js:\d+:\d+\)/,
    );
    // The mapped format goes through the module runner; the plain one names the transformed file.
    expect(Error.prepareStackTrace).toHaveProperty("plainForPulumi", true);
  });
});
