// The stack's one public bucket, serving the Redis TLS buildpack archive to Heroku: public read on
// that bucket only, a content-addressed object, and its https URL in the app's buildpack list.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { REDIS_TLS_ARCHIVE, contentAddressedName } from "../../components/publicBuildpack";
import type { StackRun } from "../../tools/runStack";
import { runTestStack } from "../support/stack";

const sha = createHash("sha256").update(readFileSync(REDIS_TLS_ARCHIVE)).digest("hex");

describe.each([
  ["prod", "gyana-app-314217", true],
  ["staging", undefined, false],
] as const)("the %s stack's public buildpack bucket", (stack, knownProject, protect) => {
  let run: StackRun;
  let project: string;
  beforeAll(async () => {
    run = await runTestStack(stack, { preview: false });
    project = run.config.gcpProject;
    if (knownProject) expect(project).toBe(knownProject);
  });
  const ofType = (type: string) => run.resources.filter((r) => r.type === type);

  it("is a second bucket, <project>-buildpacks, with uniform access and no prevention of public access", () => {
    const bucket = ofType("gcp:storage/bucket:Bucket").find((b) => b.name === "gcp-buildpacks")!;
    expect(bucket.inputs).toMatchObject({
      name: `${project}-buildpacks`,
      project,
      location: "EU",
      uniformBucketLevelAccess: true,
      publicAccessPrevention: "inherited",
      labels: { purpose: "public-buildpack" },
    });
    expect([bucket.protect, bucket.retainOnDelete]).toEqual([protect, protect]);
  });

  it("grants public read on that bucket alone, and on nothing else", () => {
    const publicGrants = run.resources.filter((r) =>
      ["allUsers", "allAuthenticatedUsers"].includes(String(r.inputs["member"])),
    );
    expect(publicGrants.map((r) => [r.type, r.inputs["bucket"], r.inputs["role"]])).toEqual([
      [
        "gcp:storage/bucketIAMMember:BucketIAMMember",
        `${project}-buildpacks`,
        "roles/storage.objectViewer",
      ],
    ]);
  });

  it("uploads the committed archive under a name that carries its SHA-256, and the app lists that URL", () => {
    const [object] = ofType("gcp:storage/bucketObject:BucketObject");
    const name = `redis-tls-${sha.slice(0, 16)}.tgz`;
    expect(contentAddressedName(REDIS_TLS_ARCHIVE, "redis-tls")).toBe(name);
    expect(object?.inputs).toMatchObject({
      bucket: `${project}-buildpacks`,
      name,
      contentType: "application/gzip",
      cacheControl: "public, max-age=31536000, immutable",
    });
    expect(JSON.stringify(object?.inputs["source"])).toContain("redis-tls.tgz");
    const buildpacks = ofType("pulumi-nodejs:dynamic/heroku:Buildpacks")[0]!.inputs["buildpacks"];
    expect((buildpacks as string[]).at(-1)).toBe(
      `https://storage.googleapis.com/${project}-buildpacks/${name}`,
    );
  });
});
