// The offline plan: one run of the command exactly as `npm run plan -- prod --json` starts it (its
// own process, no credentials), and every other variant in this process through printPlan, the
// command's body, so that each stack's plan costs a program run instead of a Node start.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { npmScriptNodeArgs } from "../../tools/bench/figures";
import { printPlan } from "../../tools/plan/print";
import { planDocument, planText, type PlanDocument } from "../../tools/plan/render";
import { loadProgram, runTestStack, testSecrets } from "../support/stack";

const root = join(__dirname, "..", "..");
const run = promisify(execFile);

interface Printed {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `npm run plan -- <args>` as a newcomer would (the script's command), with no credentials. */
async function planCommand(args: string[]): Promise<Printed> {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (/^(HEROKU|GODADDY|GOOGLE|PULUMI)_/.test(key)) delete env[key];
  }
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      [...npmScriptNodeArgs(root, "plan"), ...args],
      { cwd: root, env },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** The plan command's body in this process, printing to strings line by line as it would. */
async function plan(args: string[]): Promise<Printed> {
  const printed = { stdout: "", stderr: "" };
  const [stack, ...flags] = args;
  const code = await printPlan(
    stack!,
    { json: flags.includes("--json"), load: loadProgram },
    {
      out: (line) => (printed.stdout += `${line}\n`),
      err: (line) => (printed.stderr += `${line}\n`),
    },
  );
  return { code, ...printed };
}

let prodJson: Printed;
beforeAll(async () => {
  prodJson = await planCommand(["prod", "--json"]);
}, 180_000);

describe("npm run plan -- prod --json, in its own process as a newcomer runs it", () => {
  it("exits 0 with exactly one JSON document on stdout", async () => {
    expect(prodJson.code).toBe(0);
    expect(() => JSON.parse(prodJson.stdout) as unknown).not.toThrow();
    expect(prodJson.stdout.trimEnd().endsWith("}")).toBe(true);
  });

  it("prints, resource for resource, what the program declares with every provider serialized", async () => {
    // The command skips serializing providers' code (tools/plan/skipProviderSerialization.ts).
    const printed = JSON.parse(prodJson.stdout) as PlanDocument;
    const stackRun = await runTestStack("prod", { standInSecrets: true });
    const providers = stackRun.resources.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/"));
    expect(providers.length).toBeGreaterThan(0);
    for (const resource of providers) {
      expect(String(resource.inputs["__provider"])).toContain("exports.handler");
      // The retired ConfigVarQuerySuffix makes no API call, so it carries no client code.
      if (resource.type.endsWith(":ConfigVarQuerySuffix")) continue;
      expect(String(resource.inputs["__provider"]).length).toBeGreaterThan(10_000);
    }
    // Registration order follows when each provider's code is ready, so compare as sets.
    const sorted = (document: PlanDocument) => ({
      ...document,
      resources: [...document.resources].sort((a, b) =>
        `${a.type} ${a.name}`.localeCompare(`${b.type} ${b.name}`),
      ),
    });
    expect(sorted(printed)).toEqual(sorted(planDocument(stackRun)));
  });
});

describe.each([
  ["prod", "gyana-app-314217", "gyana-app"],
  ["staging", "gyana-release-change-me", "gyana-release-change-me"],
  ["dev", "gyana-dev-change-me", "gyana-dev-change-me"],
])("npm run plan -- %s", (stack, project, bucket) => {
  it("prints exactly one JSON document with the stack's resources and outputs", async () => {
    const result = await plan([stack, "--json"]);
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout) as PlanDocument;
    expect(document.stack).toBe(stack);
    expect(Object.keys(document).sort()).toEqual([
      "missingSecrets",
      "outputs",
      "placeholders",
      "resources",
      "stack",
      "warnings",
    ]);
    for (const resource of document.resources) {
      expect(Object.keys(resource).sort()).toEqual([
        "import",
        "inputs",
        "name",
        "parent",
        "protect",
        "retainOnDelete",
        "type",
      ]);
      expect(resource.inputs).not.toHaveProperty("__provider");
    }
    const bucketResource = document.resources.find((r) => r.type === "gcp:storage/bucket:Bucket");
    expect(bucketResource).toMatchObject({ parent: "gcp", inputs: { name: bucket, project } });
    expect(document.outputs["gcpProjectId"]).toBe(project);
  });

  it("prints a readable tree naming every resource", async () => {
    const result = await plan([stack]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Offline plan of stack "${stack}"`);
    expect(result.stdout).toContain("gyana:gcp:Project  gcp");
    expect(result.stdout).toMatch(/\n {2}gcp:storage\/bucket:Bucket {2}gcp-uploads/);
    expect(result.stdout).toMatch(/\d+ resources\.\n$/);
  });
});

describe("the prod plan", () => {
  it("contains every GCP value of the runbook", () => {
    const document = JSON.parse(prodJson.stdout) as PlanDocument;
    const inputsOf = (type: string) =>
      document.resources.filter((r) => r.type === type).map((r) => r.inputs);
    expect(inputsOf("gcp:storage/bucket:Bucket")[0]).toMatchObject({
      name: "gyana-app",
      cors: [
        {
          origins: ["https://beta.gyana.com"],
          responseHeaders: ["Content-Type", "x-goog-resumable"],
          methods: ["PUT", "POST"],
          maxAgeSeconds: 3600,
        },
      ],
    });
    expect(inputsOf("gcp:projects/service:Service").map((s) => s["service"])).toEqual([
      "sheets.googleapis.com",
      "drive.googleapis.com",
    ]);
    expect(inputsOf("gcp:projects/iAMMember:IAMMember").map((m) => m["role"])).toEqual(
      expect.arrayContaining([
        "roles/cloudkms.admin",
        "roles/cloudkms.cryptoKeyEncrypterDecrypter",
        "roles/editor",
        "roles/bigquery.admin",
      ]),
    );
    // The runbook's Storage Admin, narrowed to objects of the upload bucket (docs/security.md).
    // (The other bucket grant is the public buildpack bucket's: docs/redis-tls.md.)
    expect(inputsOf("gcp:storage/bucketIAMMember:BucketIAMMember")).toEqual([
      expect.objectContaining({
        bucket: "gyana-app-314217-buildpacks",
        role: "roles/storage.objectViewer",
        member: "allUsers",
      }),
      expect.objectContaining({ bucket: "gyana-app", role: "roles/storage.objectAdmin" }),
    ]);
    expect(document.outputs["serviceAccountEmail"]).toBe(
      "gyana-app@gyana-app-314217.iam.gserviceaccount.com",
    );
  });

  it("marks protected resources in the tree", async () => {
    const result = await plan(["prod"]);
    expect(result.stdout).toContain("gcp-uploads  [protected, retained on delete]");
    expect(result.stdout).toContain("gcp-app  [protected, retained on delete]");
  });

  it("says in the JSON what the tree says: protection, retention, imports, placeholders", async () => {
    const stackRun = await runTestStack("prod", {
      overrides: { "gyana:imports": JSON.stringify({ bucket: "gyana-app" }) },
    });
    const document = planDocument(stackRun);
    const bucket = document.resources.find((r) => r.name === "gcp-uploads");
    expect(bucket).toMatchObject({ protect: true, retainOnDelete: true, import: "gyana-app" });
    expect(planText(stackRun)).toContain(
      "gcp-uploads  [protected, retained on delete, import gyana-app]",
    );
    const keyResource = document.resources.find((r) => r.name === "gcp-app-key-initial");
    expect(keyResource).toMatchObject({ protect: false, retainOnDelete: false, import: null });
    expect(document.placeholders).toEqual([
      "gyana:google.developers[0] = developer-change-me@gyana.co.uk",
    ]);
  });

  it("warns, in the tree and the JSON, about each secret the stack file does not set", async () => {
    const document = JSON.parse(prodJson.stdout) as PlanDocument;
    expect(document.missingSecrets).toEqual([
      "gyana:hellonextSsoToken",
      "gyana:honeybadgerApiKey",
      "gyana:honeycombApiKey",
      "gyana:segmentAnalyticsJsWriteKey",
      "gyana:segmentAnalyticsWriteKey",
      "gyana:sendgridApiKey",
      "gyana:secretKey",
      "gyana:hashidsSalt",
      "gyana:tlsCertificate",
      "gyana:tlsPrivateKey",
    ]);
    const stackRun = await runTestStack("prod", { standInSecrets: true });
    expect(planText(stackRun)).toContain(
      "Warning: secrets not set in Pulumi.prod.yaml (this plan stood [secret] in; a real preview or up fails without them):\n" +
        "    gyana:hellonextSsoToken: pulumi config set --secret gyana:hellonextSsoToken --stack prod\n",
    );
  });
});

describe("one process, many runs", () => {
  it("a run leaves nothing behind for the next: prod, dev, then prod again declare the same", async () => {
    const first = planDocument(await runTestStack("prod"));
    await runTestStack("dev");
    expect(planDocument(await runTestStack("prod"))).toEqual(first);
  });
});

describe("plan errors", () => {
  it("bad config fails with every problem before any resource is declared", async () => {
    await expect(
      runTestStack("prod", {
        overrides: { "gcp:project": "BAD", "gyana:externalUrl": "http://x" },
      }),
    ).rejects.toThrow(/Stack "prod" has 2 config problem\(s\):\n {2}- gcp:project: "BAD"/);
  });
});

describe("secrets in the plan", () => {
  it("no secret value from config appears anywhere in the prod plan's text or JSON", async () => {
    const secrets = await testSecrets();
    const stackRun = await runTestStack("prod");
    const outputs = [planText(stackRun), JSON.stringify(planDocument(stackRun))].join("\n");
    for (const [key, value] of Object.entries(secrets)) {
      const needle = value.includes("BEGIN") ? value.split("\n")[1]! : value;
      expect(outputs.includes(needle), `${key} leaked`).toBe(false);
    }
  });

  it("the plan runs with no secrets set at all, standing each in as [secret]", async () => {
    const stackRun = await runTestStack("prod", { standInSecrets: true });
    expect(stackRun.resources.length).toBeGreaterThan(0);
  });
});
