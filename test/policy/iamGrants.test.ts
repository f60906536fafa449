// Who gets access: nobody becomes owner through the stack, and nothing is granted to the public
// except reading the one public buildpack bucket, named exactly `<its project>-buildpacks`.
import { describe, expect, it } from "vitest";
import { noOwnerGrants, noPublicGrants } from "../../policy/iamGrants";
import {
  GCP_BUCKET,
  GCP_BUCKET_IAM_BINDING,
  GCP_BUCKET_IAM_MEMBER,
  GCP_PROJECT_IAM_MEMBER,
} from "../../policy/resources";
import {
  type ResourceSpec,
  UNKNOWN_STRING,
  stackViolationsOf,
  violationsOf,
} from "./policyHarness";

const uploads: ResourceSpec = {
  type: GCP_BUCKET,
  name: "gcp-uploads",
  props: { name: "gyana-app", project: "gyana-app-314217", location: "EU" },
};
const buildpacks: ResourceSpec = {
  type: GCP_BUCKET,
  name: "gcp-buildpacks",
  props: { name: "gyana-app-314217-buildpacks", project: "gyana-app-314217", location: "EU" },
};
const bucketMember = (bucket: string, member: string, role = "roles/storage.objectViewer") => ({
  type: GCP_BUCKET_IAM_MEMBER,
  name: `${bucket}-${member}`,
  props: { bucket, role, member },
});
const messages = async (resources: ResourceSpec[]) =>
  (await stackViolationsOf(noPublicGrants, resources)).map((v) => v.message);

describe("policy no-public-grants", () => {
  it("refuses allUsers and allAuthenticatedUsers on the upload bucket", async () => {
    expect(
      await messages([
        uploads,
        bucketMember("gyana-app", "allUsers"),
        bucketMember("gyana-app", "allAuthenticatedUsers", "roles/storage.objectAdmin"),
      ]),
    ).toEqual([
      "gyana-app-allUsers grants roles/storage.objectViewer to allUsers on bucket gyana-app: that is everyone. Only the public buildpack bucket (<project>-buildpacks) may be read publicly, with roles/storage.objectViewer to allUsers.",
      "gyana-app-allAuthenticatedUsers grants roles/storage.objectAdmin to allAuthenticatedUsers on bucket gyana-app: that is everyone. Only the public buildpack bucket (<project>-buildpacks) may be read publicly, with roles/storage.objectViewer to allUsers.",
    ]);
  });

  it("refuses a public member inside a BucketIAMBinding, a project grant and an ACL entry", async () => {
    const binding: ResourceSpec = {
      type: GCP_BUCKET_IAM_BINDING,
      name: "binding",
      props: {
        bucket: "gyana-app",
        role: "roles/storage.objectViewer",
        members: ["user:jane@gyana.co.uk", "allUsers"],
      },
    };
    const project: ResourceSpec = {
      type: GCP_PROJECT_IAM_MEMBER,
      name: "project-public",
      props: { project: "gyana-app-314217", role: "roles/viewer", member: "allAuthenticatedUsers" },
    };
    const acl: ResourceSpec = {
      type: "gcp:storage/defaultObjectAccessControl:DefaultObjectAccessControl",
      name: "acl",
      props: { bucket: "gyana-app", role: "READER", entity: "allUsers" },
    };
    const found = await stackViolationsOf(noPublicGrants, [uploads, binding, project, acl]);
    expect(found.map((v) => v.urn?.split("::").at(-1))).toEqual([
      "binding",
      "project-public",
      "acl",
    ]);
  });

  it("allows public reading of exactly the public buildpack bucket", async () => {
    expect(
      await messages([
        uploads,
        buildpacks,
        bucketMember("gyana-app-314217-buildpacks", "allUsers"),
      ]),
    ).toEqual([]);
  });

  it("refuses more than reading there, or a look-alike name from another project", async () => {
    const lookAlike: ResourceSpec = {
      type: GCP_BUCKET,
      name: "gcp-evil",
      props: { name: "gyana-dev-1-buildpacks", project: "gyana-app-314217" },
    };
    expect(
      await messages([
        buildpacks,
        lookAlike,
        bucketMember("gyana-app-314217-buildpacks", "allUsers", "roles/storage.objectAdmin"),
        bucketMember("gyana-app-314217-buildpacks", "allAuthenticatedUsers"),
        bucketMember("gyana-dev-1-buildpacks", "allUsers"),
        // Named like one, but no such bucket is declared in this stack.
        bucketMember("other-project-buildpacks", "allUsers"),
      ]),
    ).toHaveLength(4);
  });

  it("passes the stack's ordinary grants and skips a member not known yet", async () => {
    expect(
      await messages([
        uploads,
        bucketMember(
          "gyana-app",
          "serviceAccount:gyana-app@gyana-app-314217.iam.gserviceaccount.com",
        ),
        {
          ...bucketMember("gyana-app", "x"),
          props: { bucket: "gyana-app", member: UNKNOWN_STRING },
        },
      ]),
    ).toEqual([]);
  });
});

describe("policy no-owner-grants", () => {
  const grant = (type: string, props: Record<string, unknown>): ResourceSpec => ({
    type,
    name: "grant",
    props,
  });

  it("refuses roles/owner to an outside account, an insider, in a binding and in a policy", async () => {
    const cases: ResourceSpec[] = [
      grant(GCP_PROJECT_IAM_MEMBER, {
        project: "p",
        role: "roles/owner",
        member: "user:x@evil.example",
      }),
      grant(GCP_PROJECT_IAM_MEMBER, {
        project: "p",
        role: "roles/owner",
        member: "user:jane@gyana.co.uk",
      }),
      grant("gcp:projects/iAMBinding:IAMBinding", {
        project: "p",
        role: "roles/owner",
        members: ["group:all@evil.example"],
      }),
      grant("gcp:projects/iAMPolicy:IAMPolicy", {
        project: "p",
        policyData: JSON.stringify({
          bindings: [{ role: "roles/owner", members: ["user:x@evil.example"] }],
        }),
      }),
    ];
    const results = await Promise.all(cases.map((c) => violationsOf(noOwnerGrants, c)));
    expect(results.map((r) => r.length)).toEqual([1, 1, 1, 1]);
    expect(results[0]).toEqual([
      "grant grants roles/owner to user:x@evil.example; owners can delete the project and grant anything to anyone, so the stack never grants it: use the narrowest role that serves (developers get roles/editor), and manage owners by hand.",
    ]);
  });

  it("passes the runbook's developer and service account roles", async () => {
    for (const role of [
      "roles/editor",
      "roles/cloudkms.admin",
      "roles/cloudkms.cryptoKeyEncrypterDecrypter",
      "roles/bigquery.admin",
    ]) {
      expect(
        await violationsOf(
          noOwnerGrants,
          grant(GCP_PROJECT_IAM_MEMBER, { project: "p", role, member: "user:jane@gyana.co.uk" }),
        ),
      ).toEqual([]);
    }
  });
});
