// Who may be given access to Google Cloud, checked on every resource that grants a role or an ACL
// entry (project, bucket, service account… `IAMMember`, `IAMBinding`, `IAMPolicy`, `AccessControl`):
// - nobody gets roles/owner from this stack: owning the project can delete it with everything in
//   it and grant anything to anyone, and the runbook never grants it (developers get Editor);
// - nothing is granted to the public (`allUsers`, `allAuthenticatedUsers`: every Google account)
//   except public reading of the one public buildpack bucket, by its exact name
//   (policy/publicBuildpackBucket.ts). Checked over the stack, since a bucket grant names its
//   bucket but not the bucket's project.
import type {
  PolicyResource,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import { PUBLIC_READ_ROLE, isPublicBuildpackBucket } from "./publicBuildpackBucket";
import {
  GCP_BUCKET,
  GCP_BUCKET_IAM_BINDING,
  GCP_BUCKET_IAM_MEMBER,
  isGcpGrant,
  readKnown,
} from "./resources";

export const OWNER_ROLE = "roles/owner";
export const PUBLIC_PRINCIPALS = ["allUsers", "allAuthenticatedUsers"];

interface Grant {
  role: string | undefined;
  members: string[];
}

/** The (role, members) pairs a grant resource holds, as far as they are known. */
export function grantsOf(props: Record<string, unknown>): Grant[] {
  const role = readKnown(props, "role");
  const roleText = typeof role === "string" ? role : undefined;
  const grants: Grant[] = [];
  const member = readKnown(props, "member");
  if (typeof member === "string") grants.push({ role: roleText, members: [member] });
  const members = readKnown(props, "members");
  if (Array.isArray(members)) {
    grants.push({
      role: roleText,
      members: members.filter((m): m is string => typeof m === "string"),
    });
  }
  // ACL entries: `entity` is the grantee (allUsers, user-x@y, …).
  const entity = readKnown(props, "entity");
  if (typeof entity === "string") grants.push({ role: roleText, members: [entity] });
  const policyData = readKnown(props, "policyData");
  if (typeof policyData === "string") {
    try {
      const parsed = JSON.parse(policyData) as {
        bindings?: { role?: string; members?: string[] }[];
      };
      for (const binding of parsed.bindings ?? []) {
        grants.push({ role: binding.role, members: binding.members ?? [] });
      }
    } catch {
      grants.push({ role: undefined, members: [] });
    }
  }
  return grants;
}

export const noOwnerGrants: ResourceValidationPolicy = {
  name: "no-owner-grants",
  description: "The stack grants nobody roles/owner.",
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (!isGcpGrant(args.type)) {
      return;
    }
    for (const grant of grantsOf(args.props)) {
      if (grant.role === OWNER_ROLE) {
        reportViolation(
          `${args.name} grants roles/owner to ${grant.members.join(", ") || "someone"}; owners can delete the project and grant anything to anyone, so the stack never grants it: use the narrowest role that serves (developers get roles/editor), and manage owners by hand.`,
        );
      }
    }
  },
};

/** Names of the stack's public buildpack buckets (name `<its project>-buildpacks`). */
function publicBuildpackBuckets(resources: PolicyResource[]): Set<string> {
  const names = new Set<string>();
  for (const r of resources) {
    if (r.type !== GCP_BUCKET) continue;
    const name = readKnown(r.props, "name");
    if (isPublicBuildpackBucket(name, readKnown(r.props, "project"))) names.add(name as string);
  }
  return names;
}

export const noPublicGrants: StackValidationPolicy = {
  name: "no-public-grants",
  description:
    "Nothing is granted to allUsers or allAuthenticatedUsers, except public reading of the public buildpack bucket.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const allowedBuckets = publicBuildpackBuckets(args.resources);
    for (const resource of args.resources) {
      if (!isGcpGrant(resource.type)) continue;
      const bucket = readKnown(resource.props, "bucket");
      for (const grant of grantsOf(resource.props)) {
        for (const member of grant.members.filter((m) => PUBLIC_PRINCIPALS.includes(m))) {
          const allowed =
            (resource.type === GCP_BUCKET_IAM_MEMBER || resource.type === GCP_BUCKET_IAM_BINDING) &&
            member === "allUsers" &&
            grant.role === PUBLIC_READ_ROLE &&
            typeof bucket === "string" &&
            allowedBuckets.has(bucket);
          if (!allowed) {
            reportViolation(
              `${resource.name} grants ${grant.role ?? "a role"} to ${member}${typeof bucket === "string" ? ` on bucket ${bucket}` : ""}: that is everyone. Only the public buildpack bucket (<project>-buildpacks) may be read publicly, with ${PUBLIC_READ_ROLE} to allUsers.`,
              resource.urn,
            );
          }
        }
      }
    }
  },
};
