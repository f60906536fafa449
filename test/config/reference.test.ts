// docs/config.md is the stack config's reference (Pulumi.yaml cannot declare `gyana:*` keys, see
// there): these tests keep its tables in step with config/schema.ts, and Pulumi.yaml within
// what the Pulumi CLI accepts.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { PLAIN_KEYS, SECRET_KEYS } from "../../config/schema";
import { PROJECT } from "../../tools/cli/stacks";

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

describe("Pulumi.yaml", () => {
  const project = parse(readFileSync(join(root, "Pulumi.yaml"), "utf8")) as {
    name: string;
    config?: Record<string, unknown>;
  };

  it("is the project the tools name", () => {
    expect(project.name).toBe(PROJECT);
  });

  it("types only keys of the project's own namespace, as the Pulumi CLI requires", () => {
    // pulumi/pulumi sdk/go/common/workspace/project.go: a key outside the project's namespace
    // may only carry a `value`; a `type` or `default` fails every command.
    for (const [key, declaration] of Object.entries(project.config ?? {})) {
      const own = !key.includes(":") || key.startsWith(`${project.name}:`);
      if (own || typeof declaration !== "object" || declaration === null) continue;
      expect(Object.keys(declaration), key).toEqual(["value"]);
    }
  });
});
