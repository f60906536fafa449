// No error a provider throws may carry an `id`: Pulumi's dynamic provider host
// (@pulumi/pulumi cmd/dynamic-provider `grpcResponseFromError`) reads a truthy `id` on an error
// from `create`/`update` as "created but failed to initialize", and the engine then saves a
// resource under that id. Only providerKit's `halfCreated` sets one, on purpose.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { GoDaddyApiError } from "../../providers/godaddy/client";
import { HerokuApiError } from "../../providers/heroku/client";

const ROOT = path.resolve(__dirname, "../..");

function providerSources(): { file: string; text: string }[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".ts")) files.push(full);
    }
  };
  walk(path.join(ROOT, "providers"));
  return files.map((file) => ({
    file: path.relative(ROOT, file),
    text: fs.readFileSync(file, "utf8"),
  }));
}

/** One instance of every error class the providers define (a new class must be added here). */
const INSTANCES: Record<string, () => Error> = {
  HerokuApiError: () =>
    new HerokuApiError({
      status: 422,
      errorId: "invalid_params",
      message: "Name is already taken.",
      requestId: "r",
      method: "POST",
      path: "/apps",
      request: { method: "POST", url: "https://api.heroku.com/apps", headers: {} },
    }),
  GoDaddyApiError: () => new GoDaddyApiError(403, "ACCESS_DENIED", "no", "PUT", "/v1/domains"),
};

describe("errors thrown by provider code", () => {
  it("every error class of providers/ is covered here", () => {
    const classes = providerSources().flatMap(({ text }) =>
      [...text.matchAll(/class\s+(\w+)\s+extends\s+Error\b/g)].map((m) => m[1]!),
    );
    expect(classes.sort()).toEqual(Object.keys(INSTANCES).sort());
  });

  it.each(Object.entries(INSTANCES))(
    "%s has no `id`, own or inherited, nor in its JSON",
    (_n, make) => {
      const error = make();
      expect("id" in error).toBe(false);
      expect(JSON.parse(JSON.stringify(error))).not.toHaveProperty("id");
    },
  );

  it("no provider code sets `id` on an error, except the deliberate half-created report", () => {
    const offenders = providerSources().flatMap(({ file, text }) =>
      text
        .split("\n")
        .map((line, i) => ({ line: line.trim(), at: `${file}:${i + 1}` }))
        .filter(({ line }) => /\b(err|error|e)\.id\s*=|this\.id\s*=/.test(line))
        .map(({ at }) => at),
    );
    expect(offenders.every((at) => at.startsWith("providers/heroku/providerKit.ts"))).toBe(true);
  });
});
