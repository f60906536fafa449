// The files the sequencer starts first (test/support/slowFilesFirst.ts) must exist: a renamed one
// would silently drop back among the last.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SLOW_FILES } from "./slowFilesFirst";

describe("the slow files started first", () => {
  it("are all test files of this repository, each listed once", () => {
    const root = join(__dirname, "..", "..");
    expect(SLOW_FILES.filter((file) => !existsSync(join(root, file)))).toEqual([]);
    expect(new Set(SLOW_FILES).size).toBe(SLOW_FILES.length);
  });
});
