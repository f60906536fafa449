// The README is the front door: a newcomer must find the two commands, the everyday flow and the
// incident sheet in its first screens, and what it lists must be what the repository has.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(__dirname, "..", "..");
const readme = readFileSync(join(root, "README.md"), "utf8");
const lines = readme.split("\n");

/** The README's text under `## <heading>`. */
function section(heading: string): string {
  return readme.split(`\n## ${heading}\n`)[1]?.split("\n## ")[0] ?? "";
}

describe("README.md", () => {
  it("stays a front door: a few screens, the essentials first", () => {
    expect(lines.length).toBeLessThanOrEqual(250);
    for (const heading of ["The two commands", "Everyday flow", "Incident sheet"]) {
      const at = lines.indexOf(`## ${heading}`);
      expect(at, heading).toBeGreaterThan(0);
      expect(at, `${heading} within the first 120 lines`).toBeLessThan(120);
    }
  });

  it("gives the two commands .ci/run runs", () => {
    const ci = readFileSync(join(root, ".ci", "run"), "utf8");
    const commands = section("The two commands");
    for (const command of ["npm ci && npm run plan -- prod", "npm test"]) {
      expect(commands).toContain(command);
      expect(ci).toContain(command);
    }
  });

  it("lists every stack output the program exports, and no other", () => {
    const program = readFileSync(join(root, "index.ts"), "utf8");
    const exported = [...program.matchAll(/^export const (\w+)/gm)].map((m) => m[1]!).sort();
    const listed = [...section("Stack outputs").matchAll(/^\| ([^|]+) \|/gm)]
      .flatMap((m) => [...m[1]!.matchAll(/`(\w+)`/g)].map((n) => n[1]!))
      .sort();
    expect(listed).toEqual(exported);
  });

  it("links every page of docs/", () => {
    for (const page of readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md"))) {
      expect(readme, page).toContain(`(docs/${page}`);
    }
  });

  it("names every npm script an operator runs", () => {
    const scripts = Object.keys(
      (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: object }).scripts,
    );
    const operator = ["plan", "release", "rollback", "rehearse", "drift"];
    expect(scripts).toEqual(expect.arrayContaining(operator));
    for (const script of operator) expect(readme, script).toContain(`npm run ${script}`);
  });
});
