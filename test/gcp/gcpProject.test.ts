import { beforeAll, describe, expect, it } from "vitest";
import type { RegisteredResource } from "../../tools/mockRuntime";
import type { StackRun } from "../../tools/runStack";
import { runTestStack } from "../support/stack";

const ofType = (run: StackRun, type: string) => run.resources.filter((r) => r.type === type);
const only = (run: StackRun, type: string): RegisteredResource => {
  const found = ofType(run, type);
  expect(found).toHaveLength(1);
  return found[0]!;
};
/** The upload bucket (the other bucket serves the public buildpack: test/gcp/publicBuildpack.test.ts). */
const uploads = (run: StackRun): RegisteredResource => {
  const found = ofType(run, "gcp:storage/bucket:Bucket").filter((b) => b.name === "gcp-uploads");
  expect(found).toHaveLength(1);
  return found[0]!;
};

describe("GcpProject in prod", () => {
  let prod: StackRun;
  beforeAll(async () => {
    prod = await runTestStack("prod", { preview: false });
  });

  it("prod bucket allows PUT and POST from https://beta.gyana.com for an hour, and nothing else", () => {
    const bucket = uploads(prod);
    expect(bucket.inputs["name"]).toBe("gyana-app");
    expect(bucket.inputs["project"]).toBe("gyana-app-314217");
    expect(bucket.inputs["cors"]).toEqual([
      {
        origins: ["https://beta.gyana.com"],
        responseHeaders: ["Content-Type", "x-goog-resumable"],
        methods: ["PUT", "POST"],
        maxAgeSeconds: 3600,
      },
    ]);
  });

  it("the bucket has uniform access, enforced public access prevention and no force-destroy", () => {
    const bucket = uploads(prod);
    expect(bucket.inputs).toMatchObject({
      uniformBucketLevelAccess: true,
      publicAccessPrevention: "enforced",
      forceDestroy: false,
      location: "EU",
    });
  });

  it("enables the Sheets and Drive APIs and leaves them enabled on destroy", () => {
    const services = ofType(prod, "gcp:projects/service:Service").map((s) => s.inputs);
    expect(services).toEqual([
      expect.objectContaining({ service: "sheets.googleapis.com", disableOnDestroy: false }),
      expect.objectContaining({ service: "drive.googleapis.com", disableOnDestroy: false }),
    ]);
    expect(services.every((s) => s["project"] === "gyana-app-314217")).toBe(true);
  });

  it("gives each developer KMS admin, KMS encrypter/decrypter and editor, one member each", () => {
    const developerBindings = ofType(prod, "gcp:projects/iAMMember:IAMMember")
      .map((m) => m.inputs)
      .filter((m) => String(m["member"]).startsWith("user:"));
    expect(developerBindings.map((m) => [m["member"], m["role"]])).toEqual([
      ["user:developer-test@gyana.co.uk", "roles/cloudkms.admin"],
      ["user:developer-test@gyana.co.uk", "roles/cloudkms.cryptoKeyEncrypterDecrypter"],
      ["user:developer-test@gyana.co.uk", "roles/editor"],
    ]);
  });

  it("uses only non-authoritative IAM members, never bindings or policies", () => {
    const types = prod.resources.map((r) => r.type);
    expect(types.filter((t) => /IAMBinding|IAMPolicy/.test(t))).toEqual([]);
  });

  it("creates the app's service account gyana-app with BigQuery admin on the project", () => {
    const account = only(prod, "gcp:serviceaccount/account:Account");
    expect(account.inputs).toMatchObject({ accountId: "gyana-app", project: "gyana-app-314217" });
    const appBindings = ofType(prod, "gcp:projects/iAMMember:IAMMember")
      .map((m) => m.inputs)
      .filter((m) => String(m["member"]).startsWith("serviceAccount:"));
    expect(appBindings.map((m) => [m["member"], m["role"]])).toEqual([
      ["serviceAccount:gyana-app@gyana-app-314217.iam.gserviceaccount.com", "roles/bigquery.admin"],
    ]);
    expect(prod.outputs["serviceAccountEmail"]).toBe(
      "gyana-app@gyana-app-314217.iam.gserviceaccount.com",
    );
  });

  it("gives the service account objects only, on the upload bucket only: no project-wide storage role", () => {
    // The app reads and writes objects of GS_BUCKET_NAME (django-storages, BigQuery load/extract
    // jobs); it never creates, configures or lists buckets (docs/security.md).
    // (The public buildpack bucket's allUsers grant: test/gcp/publicBuildpack.test.ts.)
    const grants = ofType(prod, "gcp:storage/bucketIAMMember:BucketIAMMember")
      .map((m) => m.inputs)
      .filter((m) => m["member"] !== "allUsers");
    expect(grants).toEqual([
      {
        bucket: "gyana-app",
        role: "roles/storage.objectAdmin",
        member: "serviceAccount:gyana-app@gyana-app-314217.iam.gserviceaccount.com",
      },
    ]);
    const projectRoles = ofType(prod, "gcp:projects/iAMMember:IAMMember").map((m) =>
      String(m.inputs["role"]),
    );
    expect(projectRoles.filter((role) => role.startsWith("roles/storage."))).toEqual([]);
  });

  it("creates one key for the service account", () => {
    const key = only(prod, "gcp:serviceaccount/key:Key");
    expect(key.inputs["serviceAccountId"]).toBe(
      "projects/gyana-app-314217/serviceAccounts/gyana-app@gyana-app-314217.iam.gserviceaccount.com",
    );
  });

  it("protects and retains the bucket and service account in prod", () => {
    for (const resource of [uploads(prod), only(prod, "gcp:serviceaccount/account:Account")]) {
      expect([resource.protect, resource.retainOnDelete]).toEqual([true, true]);
    }
  });

  it("declares every GCP resource under the gyana:gcp:Project component", () => {
    const component = only(prod, "gyana:gcp:Project");
    const gcpResources = prod.resources.filter((r) => r.type.startsWith("gcp:"));
    expect(gcpResources.length).toBeGreaterThan(0);
    // Directly, or inside its public-buildpack component (itself a child of the project).
    const buildpacks = only(prod, "gyana:gcp:PublicBuildpack");
    expect(buildpacks.parentUrn).toBe(component.urn);
    expect(
      gcpResources.every((r) => r.parentUrn === component.urn || r.parentUrn === buildpacks.urn),
    ).toBe(true);
  });
});

describe("GcpProject outside prod", () => {
  it("staging protects nothing, so a test environment can be torn down", async () => {
    const staging = await runTestStack("staging", { preview: false });
    const gcp = staging.resources.filter((r) => r.type.startsWith("gcp:"));
    expect(gcp.filter((r) => r.protect || r.retainOnDelete)).toEqual([]);
    const bucket = uploads(staging);
    expect(bucket.inputs["cors"]).toEqual([
      expect.objectContaining({ origins: ["https://gyana-release.herokuapp.com"] }),
    ]);
  });

  it("rotating the key adds a second key while the first stays until it is removed", async () => {
    const dev = await runTestStack("dev", {
      preview: false,
      overrides: {
        "gyana:google": JSON.stringify({
          serviceAccountId: "gyana-dev-app",
          serviceAccountKeys: ["initial", "2026-11"],
          developerDomains: ["gyana.co.uk"],
          developers: ["jane@gyana.co.uk"],
          apis: ["sheets.googleapis.com", "drive.googleapis.com"],
          bucket: { name: "gyana-dev-x", location: "EU", corsOrigins: ["https://x.gyana.com"] },
        }),
      },
    });
    expect(ofType(dev, "gcp:serviceaccount/key:Key").map((k) => k.name)).toEqual([
      "gcp-app-key-initial",
      "gcp-app-key-2026-11",
    ]);
  });
});

describe("GcpProject's credentials output", () => {
  it("is the decoded key JSON and a Pulumi secret", async () => {
    const pulumi = await import("@pulumi/pulumi");
    const { runUnderMocks } = await import("../../tools/mockRuntime");
    const { mockCloudResource } = await import("../../tools/gcpMocks");
    const { GcpProject } = await import("../../components/gcpProject");
    let credentials: unknown;
    let secret: boolean | undefined;
    await runUnderMocks({
      project: "gyana",
      stack: "test",
      config: {},
      secretKeys: [],
      onResource: (r) => mockCloudResource(r) ?? { id: `${r.name}-id`, state: r.inputs },
      program: async () => {
        const project = new GcpProject("gcp", {
          project: "gyana-app-314217",
          apis: ["sheets.googleapis.com"],
          developers: [],
          serviceAccountId: "gyana-app",
          serviceAccountKeys: ["initial"],
          bucket: { name: "gyana-app", location: "EU", corsOrigins: ["https://beta.gyana.com"] },
        });
        secret = await pulumi.isSecret(project.credentialsJson);
        credentials = await new Promise((resolve) => project.credentialsJson.apply(resolve));
        return {};
      },
    });
    expect(secret).toBe(true);
    expect(JSON.parse(String(credentials))).toMatchObject({
      type: "service_account",
      client_email: "gyana-app@gyana-app-314217.iam.gserviceaccount.com",
    });
  });
});
