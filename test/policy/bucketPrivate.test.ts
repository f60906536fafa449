import { describe, expect, it } from "vitest";
import { bucketPrivate } from "../../policy/bucketPrivate";
import { GCP_BUCKET } from "../../policy/resources";
import { violationsOf } from "./policyHarness";

const bucket = (props: Record<string, unknown>) => ({
  type: GCP_BUCKET,
  name: "gcp-uploads",
  props: { name: "gyana-app", location: "EU", ...props },
});

describe("policy bucket-private", () => {
  it("passes a bucket with uniform access and enforced public access prevention", async () => {
    expect(
      await violationsOf(
        bucketPrivate,
        bucket({ uniformBucketLevelAccess: true, publicAccessPrevention: "enforced" }),
      ),
    ).toEqual([]);
  });

  it("rejects a bucket that still allows object ACLs and inherits public access", async () => {
    expect(
      await violationsOf(
        bucketPrivate,
        bucket({ uniformBucketLevelAccess: false, publicAccessPrevention: "inherited" }),
      ),
    ).toEqual([
      'Cloud Storage bucket "gyana-app" must set uniformBucketLevelAccess: true (it is false), so that IAM alone decides who reads the files.',
      'Cloud Storage bucket "gyana-app" must set publicAccessPrevention: "enforced" (it is "inherited"), so that it can never be made public.',
    ]);
  });

  it("rejects a bucket that leaves both settings to their defaults", async () => {
    expect(await violationsOf(bucketPrivate, bucket({}))).toEqual([
      'Cloud Storage bucket "gyana-app" must set uniformBucketLevelAccess: true (it is unset), so that IAM alone decides who reads the files.',
      'Cloud Storage bucket "gyana-app" must set publicAccessPrevention: "enforced" (it is unset), so that it can never be made public.',
    ]);
  });

  it("ignores resources that are not buckets", async () => {
    expect(
      await violationsOf(bucketPrivate, {
        type: "gcp:serviceaccount/account:Account",
        name: "gcp-app",
        props: { accountId: "gyana-app" },
      }),
    ).toEqual([]);
  });

  it("lets exactly the public buildpack bucket (<its project>-buildpacks) inherit public access", async () => {
    const buildpacks = (name: string, project: string) => ({
      type: GCP_BUCKET,
      name: "gcp-buildpacks",
      props: { name, project, uniformBucketLevelAccess: true, publicAccessPrevention: "inherited" },
    });
    expect(
      await violationsOf(
        bucketPrivate,
        buildpacks("gyana-app-314217-buildpacks", "gyana-app-314217"),
      ),
    ).toEqual([]);
    // The same suffix on another project's name, or any other bucket: refused.
    for (const [name, project] of [
      ["gyana-dev-1-buildpacks", "gyana-app-314217"],
      ["gyana-app", "gyana-app-314217"],
    ] as const) {
      expect(await violationsOf(bucketPrivate, buildpacks(name, project)), name).toEqual([
        `Cloud Storage bucket "${name}" must set publicAccessPrevention: "enforced" (it is "inherited"), so that it can never be made public.`,
      ]);
    }
  });
});
