// Pulumi.yaml declares the stack config's keys (`config:`) so that `pulumi config` and Pulumi Cloud
// show them and the CLI refuses a wrong type or a plain secret before the program starts. These
// tests keep those declarations in step with config/schema.ts, the one schema, and hold
// Pulumi.yaml and every stack file to the CLI's own rules (test/support/pulumiProjectConfig.ts).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { PLAIN_KEYS, SECRET_KEYS, plainConfigSchema } from "../../config/schema";
import { PROJECT, STACKS } from "../../tools/cli/stacks";
import {
  declarationProblems,
  stackConfigProblems,
  type ConfigDeclaration,
} from "../support/pulumiProjectConfig";

const root = join(__dirname, "..", "..");
const project = parse(readFileSync(join(root, "Pulumi.yaml"), "utf8")) as {
  name: string;
  config: Record<string, ConfigDeclaration>;
};
const declared = project.config;

/** The Pulumi config type a plain key's schema holds, and its default if it has one. */
function pulumiTypeOf(schema: z.ZodType): { type: string; default?: unknown } {
  const def = (schema as unknown as { def: { type: string; innerType?: z.ZodType } }).def;
  if (def.type === "default") {
    return { ...pulumiTypeOf(def.innerType!), default: schema.parse(undefined) };
  }
  const types: Record<string, string> = { boolean: "boolean", object: "object", record: "object" };
  return { type: types[def.type] ?? "string" };
}

describe("Pulumi.yaml's config declarations", () => {
  it("is the project the tools name, and the keys' namespace: gyana", () => {
    expect(project.name).toBe(PROJECT);
    expect(
      Object.values(PLAIN_KEYS)
        .filter((spec) => spec.key !== "gcp:project")
        .every((spec) => spec.key.startsWith(`${PROJECT}:`)),
    ).toBe(true);
  });

  it("are all accepted by the Pulumi CLI", () => {
    for (const [key, declaration] of Object.entries(declared)) {
      expect(declarationProblems(project.name, key, declaration), key).toEqual([]);
      expect(declaration.description, key).toMatch(/\S/);
    }
  });

  it("declare every plain key of the project's namespace with its schema's type and default", () => {
    for (const [name, spec] of Object.entries(PLAIN_KEYS)) {
      if (spec.key === "gcp:project") {
        // Another namespace: Pulumi allows only a `value` there, and the project id differs per stack.
        expect(declared[spec.key]).toBeUndefined();
        continue;
      }
      const schema = plainConfigSchema.shape[name as keyof typeof plainConfigSchema.shape];
      const expected = pulumiTypeOf(schema);
      const declaration = declared[spec.key];
      expect(declaration, spec.key).toBeDefined();
      expect(declaration?.type, spec.key).toBe(expected.type);
      // A default here is what Pulumi puts in the config when the stack leaves the key out: it
      // must be what the schema would have used, or the offline plan and a real run differ.
      expect(declaration?.default, spec.key).toEqual(expected.default);
      expect(declaration?.secret ?? false, spec.key).toBe(false);
    }
  });

  it("declare exactly the secrets every stack needs, as secret strings without default", () => {
    const always = Object.values(SECRET_KEYS)
      .filter((spec) => spec.required === "always")
      .map((spec) => spec.key);
    const secretDeclarations = Object.entries(declared).filter(([, d]) => d.secret);
    expect(secretDeclarations.map(([key]) => key).sort()).toEqual([...always].sort());
    for (const [key, declaration] of secretDeclarations) {
      expect({ key, type: declaration.type, default: declaration.default }).toEqual({
        key,
        type: "string",
        default: undefined,
      });
    }
    // A declared key without default is required in every stack (pkg/workspace/config.go,
    // mergeConfig): the secrets that only some stacks need must stay undeclared.
    for (const spec of Object.values(SECRET_KEYS)) {
      if (spec.required !== "always") expect(declared[spec.key], spec.key).toBeUndefined();
    }
  });

  it.each(STACKS)(
    "Pulumi.%s.yaml passes the CLI's check, secrets apart (set with --secret)",
    (stack) => {
      const file = parse(readFileSync(join(root, `Pulumi.${stack}.yaml`), "utf8")) as {
        config: Record<string, unknown>;
      };
      const { missing, problems } = stackConfigProblems(project.name, declared, file.config);
      expect(problems).toEqual([]);
      expect(missing.filter((key) => !declared[key]?.secret)).toEqual([]);
    },
  );

  it("the CLI's check refuses a plain secret, a wrong type and a missing required key", () => {
    const { missing, problems } = stackConfigProblems(project.name, declared, {
      "gyana:environment": "production",
      "gyana:externalUrl": "https://app.gyana.com",
      "gyana:protect": "yes",
      "gyana:heroku": {},
      "gyana:google": {},
      "gyana:sendgridApiKey": "SG.plain",
    });
    expect(problems).toEqual([
      "configuration key 'gyana:protect' is not of type 'boolean'",
      "configuration key 'gyana:sendgridApiKey' must be encrypted as it's secret",
    ]);
    expect(missing).toContain("gyana:domains");
    expect(missing).not.toContain("gyana:configVars");
  });
});
