// Runs the real policy pack the way the Pulumi CLI does (`run-policy-pack`, started in policy/,
// TypeScript compiled by ts-node, dependencies resolved from the root node_modules) and talks to
// it over the Analyzer gRPC protocol the CLI uses: proof that `--policy-pack policy` loads, lists
// every policy as mandatory, and judges a resource from what the engine actually sends.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { bucketPrivate } from "../../policy/bucketPrivate";
import { POLICY_PACK_NAME, policies } from "../../policy/policies";
import { productionDataProtected } from "../../policy/productionProtected";
import { GCP_BUCKET, GCP_BUCKET_IAM_MEMBER, HEROKU_CONFIG_VARS } from "../../policy/resources";
import { urnOf } from "./policyHarness";

const ROOT = path.resolve(__dirname, "../..");
const POLICY_DIR = path.join(ROOT, "policy");
const fromPulumi = createRequire(
  path.join(ROOT, "node_modules/@pulumi/pulumi/proto/analyzer_pb.js"),
);

/* eslint-disable @typescript-eslint/no-explicit-any -- generated gRPC code has no useful types */
const analyzerPb = fromPulumi("./analyzer_pb.js");
const analyzerGrpc = fromPulumi("./analyzer_grpc_pb.js");
const grpc = fromPulumi("@grpc/grpc-js");
const { Struct } = fromPulumi("google-protobuf/google/protobuf/struct_pb.js");
const { Empty } = fromPulumi("google-protobuf/google/protobuf/empty_pb.js");

const MANDATORY = analyzerPb.EnforcementLevel.MANDATORY as number;
/** The engine's marker for a secret value on the wire (`sig.Secret`). */
const SECRET_SIG = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };

let pack: ChildProcess | undefined;
let client: any;

function call<T>(method: string, request: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    client[method](request, (error: Error | null, response: { toObject(): T }) =>
      error ? reject(error) : resolve(response.toObject()),
    );
  });
}

function analyze(stack: string, type: string, name: string, props: object, protect: boolean) {
  const request = new analyzerPb.AnalyzeRequest();
  request.setType(type);
  request.setName(name);
  request.setUrn(urnOf(stack, type, name));
  request.setProperties(Struct.fromJavaScript(props));
  const options = new analyzerPb.AnalyzerResourceOptions();
  options.setProtect(protect);
  request.setOptions(options);
  return call<{
    diagnosticsList: { policyname: string; message: string; enforcementlevel: number }[];
  }>("analyze", request);
}

function analyzeStack(stack: string, resources: { type: string; name: string; props: object }[]) {
  const request = new analyzerPb.AnalyzeStackRequest();
  request.setResourcesList(
    resources.map((r) => {
      const resource = new analyzerPb.AnalyzerResource();
      resource.setType(r.type);
      resource.setName(r.name);
      resource.setUrn(urnOf(stack, r.type, r.name));
      resource.setProperties(Struct.fromJavaScript(r.props));
      resource.setOptions(new analyzerPb.AnalyzerResourceOptions());
      return resource;
    }),
  );
  return call<{
    diagnosticsList: { policyname: string; message: string; urn: string }[];
  }>("analyzeStack", request);
}
/* eslint-enable @typescript-eslint/no-explicit-any */

beforeAll(async () => {
  const runner = path.join(ROOT, "node_modules/@pulumi/pulumi/cmd/run-policy-pack");
  // The first argument is the engine address; the pack only needs it to log, and logs nothing here.
  const child = spawn(process.execPath, [runner, "127.0.0.1:1", "."], {
    cwd: POLICY_DIR,
    stdio: ["ignore", "pipe", "pipe"],
  });
  pack = child;
  const port = await new Promise<number>((resolve, reject) => {
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /^(\d+)\s*$/m.exec(stdout);
      if (match?.[1]) {
        resolve(Number(match[1]));
      }
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("exit", (code) => reject(new Error(`policy pack exited with ${code}: ${stderr}`)));
  });
  client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}, 90_000);

afterAll(() => {
  client?.close();
  if (pack?.pid !== undefined && pack.exitCode === null) {
    process.kill(pack.pid);
  }
});

describe("the gyana-guardrails pack, run as the Pulumi CLI runs it", () => {
  it("starts from policy/ and lists every policy as mandatory", async () => {
    const info = await call<{
      name: string;
      version: string;
      policiesList: { name: string; enforcementlevel: number }[];
    }>("getAnalyzerInfo", new Empty());
    expect(info.name).toBe(POLICY_PACK_NAME);
    expect(info.version).toBe("1.0.0");
    expect(info.policiesList.map((p) => [p.name, p.enforcementlevel])).toEqual(
      policies.map((p) => [p.name, MANDATORY]),
    );
  });

  it("rejects an unprotected, publicly inheritable production bucket (the CLI shows description, then message)", async () => {
    const response = await analyze(
      "prod",
      GCP_BUCKET,
      "gcp-uploads",
      {
        name: "gyana-app",
        location: "EU",
        uniformBucketLevelAccess: true,
        publicAccessPrevention: "inherited",
      },
      false,
    );
    expect(
      response.diagnosticsList.map((d) => [d.policyname, d.message, d.enforcementlevel]),
    ).toEqual([
      [
        "production-data-protected",
        `${productionDataProtected.description}\nCloud Storage bucket "gyana-app" in stack prod must be protected (protect: true): deleting or replacing it destroys the files users uploaded.`,
        MANDATORY,
      ],
      [
        "bucket-private",
        `${bucketPrivate.description}\nCloud Storage bucket "gyana-app" must set publicAccessPrevention: "enforced" (it is "inherited"), so that it can never be made public.`,
        MANDATORY,
      ],
    ]);
  });

  it("sees a config var name inside a secret vars map, without echoing the value", async () => {
    const response = await analyze(
      "dev",
      HEROKU_CONFIG_VARS,
      "dev-config",
      { app: "gyana-dev", vars: { ...SECRET_SIG, value: { SECRET_KEY: "hunter2" } } },
      false,
    );
    expect(response.diagnosticsList.map((d) => d.policyname)).toEqual([
      "config-var-secrets-sensitive",
    ]);
    expect(response.diagnosticsList[0]?.message).toContain("Config var SECRET_KEY");
    expect(JSON.stringify(response)).not.toContain("hunter2");
  });

  it("passes a protected, private production bucket", async () => {
    const response = await analyze(
      "prod",
      GCP_BUCKET,
      "gcp-uploads",
      {
        name: "gyana-app",
        location: "EU",
        uniformBucketLevelAccess: true,
        publicAccessPrevention: "enforced",
      },
      true,
    );
    expect(response.diagnosticsList).toEqual([]);
  });
});

describe("the pack's stack policies, run as the CLI runs them", () => {
  it("refuses a public grant on the upload bucket and allows public reading of the buildpack bucket", async () => {
    const response = await analyzeStack("prod", [
      {
        type: GCP_BUCKET,
        name: "gcp-buildpacks",
        props: { name: "gyana-app-314217-buildpacks", project: "gyana-app-314217" },
      },
      {
        type: GCP_BUCKET_IAM_MEMBER,
        name: "public-read",
        props: {
          bucket: "gyana-app-314217-buildpacks",
          role: "roles/storage.objectViewer",
          member: "allUsers",
        },
      },
      {
        type: GCP_BUCKET_IAM_MEMBER,
        name: "oops",
        props: { bucket: "gyana-app", role: "roles/storage.objectViewer", member: "allUsers" },
      },
    ]);
    expect(response.diagnosticsList.map((d) => [d.policyname, d.urn])).toEqual([
      ["no-public-grants", urnOf("prod", GCP_BUCKET_IAM_MEMBER, "oops")],
    ]);
  });
});

describe("the pack's own files", () => {
  it("declare a Node.js pack whose version the framework can read", () => {
    const manifest = parse(readFileSync(path.join(POLICY_DIR, "PulumiPolicy.yaml"), "utf8"));
    expect(manifest.runtime).toBe("nodejs");
    const pkg = JSON.parse(readFileSync(path.join(POLICY_DIR, "package.json"), "utf8"));
    expect(pkg.version).toBe("1.0.0");
    // No dependencies of its own: nothing to install in policy/, the root node_modules serves it.
    expect(pkg.dependencies).toBeUndefined();
  });

  it("give every policy a unique kebab-case name and mandatory enforcement", () => {
    const names = policies.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    for (const policy of policies) {
      expect(policy.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(policy.enforcementLevel).toBe("mandatory");
    }
  });
});
