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
});
