// The repository stands alone: GitHub checks out this repository and nothing beside it, so no
// file the tests, tools or CI use may reach outside it, and what it vendors is what its note says.
// (.ci/run goes further: it clones the repository into an empty folder and runs the README's
// two commands there.)
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { SCHEMA_PATH } from "../emulator/heroku/schema";

const ROOT = path.resolve(__dirname, "../..");

function trackedFiles(): string[] {
  return execFileSync("git", ["ls-files", "-z"], { cwd: ROOT, encoding: "utf8" })
    .split("\0")
    .filter((f) => f !== "");
}

describe("the repository on its own", () => {
  it("reads Heroku's schema from its own vendor/ copy", () => {
    expect(path.relative(ROOT, SCHEMA_PATH)).toBe("vendor/heroku/platform-api-schema.json");
  });

  it("vendors exactly the schema vendor/heroku/SOURCE.md names (SHA-256 and size)", () => {
    const note = readFileSync(path.join(ROOT, "vendor/heroku/SOURCE.md"), "utf8");
    const bytes = readFileSync(path.join(ROOT, "vendor/heroku/platform-api-schema.json"));
    const sha = /SHA-256\s*\|\s*`([0-9a-f]{64})`/.exec(note)?.[1];
    const size = /size\s*\|\s*(\d+) bytes/.exec(note)?.[1];
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(sha);
    expect(bytes.length).toBe(Number(size));
  });

  it("has no tracked file that refers to a folder beside the repository", () => {
    const outside = /(^|[\s"'`(=])\.\.\/(\.\.\/)*(shared|seed|reference)\b/;
    const offenders = trackedFiles().filter((file) => {
      if (file.startsWith("vendor/") || file === "package-lock.json") return false;
      return outside.test(readFileSync(path.join(ROOT, file), "utf8"));
    });
    expect(offenders).toEqual([]);
  });
});
