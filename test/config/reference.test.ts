// docs/config.md is the stack config's full reference (Pulumi.yaml declares only what Pulumi
// allows, see there and test/config/projectConfig.test.ts): these tests keep its tables in step
// with config/schema.ts.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PLAIN_KEYS, SECRET_KEYS } from "../../config/schema";

const root = join(__dirname, "..", "..");
const doc = readFileSync(join(root, "docs", "config.md"), "utf8");

/** The first-column keys of the table under `## <heading>`. */
function tableKeys(heading: string): string[] {
  const section = doc.split(`\n## ${heading}\n`)[1]?.split("\n## ")[0] ?? "";
  return [...section.matchAll(/^\| `([a-z]+:[A-Za-z.]+)` \|/gm)].map((m) => m[1]!);
}

describe("docs/config.md", () => {
  it("lists every plain key of the schema, and no other", () => {
    expect(tableKeys("Plain keys")).toEqual(Object.values(PLAIN_KEYS).map((spec) => spec.key));
  });

  it("lists every secret with when it is required", () => {
    const words: Record<string, RegExp> = {
      always: /^always$/,
      "with-domains": /^when hostnames set$/,
      "in-production": /^in production/,
      optional: /^optional/,
    };
    const section = doc.split("\n## Secrets\n")[1]?.split("\n## ")[0] ?? "";
    const rows = [...section.matchAll(/^\| `(gyana:\w+)` \| .* \| ([^|]+) \|$/gm)];
    expect(rows.map((r) => r[1]).sort()).toEqual(
      Object.values(SECRET_KEYS)
        .map((spec) => spec.key)
        .sort(),
    );
    expect(rows).toHaveLength(Object.keys(SECRET_KEYS).length);
    for (const spec of Object.values(SECRET_KEYS)) {
      const required = rows.find((r) => r[1] === spec.key)?.[2]?.trim() ?? "";
      expect(required, spec.key).toMatch(words[spec.required]!);
    }
  });
});
