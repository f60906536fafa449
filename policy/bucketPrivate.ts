// The upload bucket holds users' CSV files. Uniform bucket-level access turns off per-object
// ACLs, so IAM alone decides who reads an object; public access prevention "enforced" makes a
// later allUsers/allAuthenticatedUsers grant fail instead of publishing the files. The one
// exception is the public buildpack bucket, by its exact name (policy/publicBuildpackBucket.ts):
// it may leave prevention "inherited" so that its one public-read grant can work.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { isPublicBuildpackBucket } from "./publicBuildpackBucket";
import { GCP_BUCKET, displayName, readKnown } from "./resources";

export const bucketPrivate: ResourceValidationPolicy = {
  name: "bucket-private",
  description:
    "Cloud Storage buckets use uniform bucket-level access and enforce public access prevention.",
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (args.type !== GCP_BUCKET) {
      return;
    }
    const bucket = displayName(args.props, "name", args.name);
    const uniform: unknown = args.props.uniformBucketLevelAccess;
    if (uniform !== true) {
      reportViolation(
        `Cloud Storage bucket "${bucket}" must set uniformBucketLevelAccess: true (it is ${describe(uniform)}), so that IAM alone decides who reads the files.`,
      );
    }
    const prevention: unknown = args.props.publicAccessPrevention;
    const publicBuildpacks = isPublicBuildpackBucket(
      readKnown(args.props, "name"),
      readKnown(args.props, "project"),
    );
    if (prevention !== "enforced" && !(publicBuildpacks && prevention === "inherited")) {
      reportViolation(
        `Cloud Storage bucket "${bucket}" must set publicAccessPrevention: "enforced" (it is ${describe(prevention)}), so that it can never be made public.`,
      );
    }
  },
};

function describe(value: unknown): string {
  return value === undefined ? "unset" : JSON.stringify(value);
}
