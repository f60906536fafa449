import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { apiSlug, emailOrRoleSlug } from "./resourceNames";
import { PublicBuildpack } from "./publicBuildpack";

/** The runbook's roles for every developer. */
export const DEVELOPER_ROLES = [
  "roles/cloudkms.admin",
  "roles/cloudkms.cryptoKeyEncrypterDecrypter",
  "roles/editor",
] as const;

/**
 * Project-wide roles of the app's service account (GCP_BQ_SVC_ACCOUNT). The runbook also gives it
 * `roles/storage.admin` on the whole project; the app only reads and writes objects in its upload
 * bucket (django-storages, and BigQuery load/extract jobs on gs://GS_BUCKET_NAME: gyana/gyana
 * apps/base/engine/bigquery.py), so it gets {@link UPLOAD_BUCKET_ROLE} on that bucket instead
 * (docs/security.md, "The app's Cloud Storage access").
 */
export const SERVICE_ACCOUNT_ROLES = ["roles/bigquery.admin"] as const;

/** Objects only (storage.objects.*), on the upload bucket only: no bucket settings, no IAM. */
export const UPLOAD_BUCKET_ROLE = "roles/storage.objectAdmin";

/** The single CORS rule the app's direct CSV uploads need, minus the origins. */
export const UPLOAD_CORS = {
  responseHeaders: ["Content-Type", "x-goog-resumable"],
  methods: ["PUT", "POST"],
  maxAgeSeconds: 3600,
} as const;

export interface GcpProjectArgs {
  /** The Google Cloud project id, e.g. `gyana-app-314217`. */
  readonly project: string;
  /** APIs to enable; left enabled on destroy. */
  readonly apis: readonly string[];
  /** Developer emails, each granted DEVELOPER_ROLES (non-authoritatively). */
  readonly developers: readonly string[];
  /** The app's service account id (the part before `@`). */
  readonly serviceAccountId: string;
  /**
   * Key ids of the service account; GOOGLE_CREDENTIALS uses the last. Rotate by appending a new
   * id, deploying, then removing the old one (the old key stays valid until then).
   */
  readonly serviceAccountKeys: readonly string[];
  /** The upload bucket. */
  readonly bucket: {
    readonly name: string;
    readonly location: string;
    /** Origins allowed to PUT/POST uploads, e.g. `https://beta.gyana.com`. */
    readonly corsOrigins: readonly string[];
  };
  /** Protect the bucket and service account and keep them on delete (production). Default false. */
  readonly protect?: boolean;
  /** Ids of existing resources to adopt instead of creating. */
  readonly imports?: { readonly bucket?: string; readonly serviceAccount?: string };
}

/** Short, URN-safe name for an email or role, so resource names read well in a preview. */
const slug = emailOrRoleSlug;

/**
 * The Google Cloud side of Gyana: enabled APIs, developer IAM, the app's service account with its
 * roles and key, and the upload bucket with its CORS rule.
 */
export class GcpProject extends pulumi.ComponentResource {
  /** The service account's email, for GCP_BQ_SVC_ACCOUNT. */
  public readonly serviceAccountEmail: pulumi.Output<string>;
  /** The newest key as the JSON file Google hands out, for GOOGLE_CREDENTIALS. Secret. */
  public readonly credentialsJson: pulumi.Output<string>;
  /** The upload bucket's name, for GS_BUCKET_NAME. */
  public readonly bucketName: pulumi.Output<string>;
  /** Public https URL of the Redis TLS buildpack archive, for the app's buildpack list. */
  public readonly redisTlsBuildpackUrl: pulumi.Output<string>;

  constructor(name: string, args: GcpProjectArgs, opts?: pulumi.ComponentResourceOptions) {
    super("gyana:gcp:Project", name, {}, opts);
    const protect = args.protect ?? false;
    const keep = { protect, retainOnDelete: protect };
    const project = args.project;

    for (const api of args.apis) {
      new gcp.projects.Service(
        `${name}-${apiSlug(api)}`,
        { project, service: api, disableOnDestroy: false, disableDependentServices: false },
        { parent: this },
      );
    }

    for (const email of args.developers) {
      for (const role of DEVELOPER_ROLES) {
        new gcp.projects.IAMMember(
          `${name}-${slug(email)}-${slug(role)}`,
          { project, role, member: `user:${email}` },
          { parent: this },
        );
      }
    }

    const account = new gcp.serviceaccount.Account(
      `${name}-app`,
      {
        project,
        accountId: args.serviceAccountId,
        displayName: "Gyana app (Heroku)",
        description: "Used by the Heroku app for BigQuery, Cloud Storage, Sheets and Drive",
      },
      { parent: this, ...keep, import: args.imports?.serviceAccount },
    );

    for (const role of SERVICE_ACCOUNT_ROLES) {
      new gcp.projects.IAMMember(
        `${name}-app-${slug(role)}`,
        { project, role, member: pulumi.interpolate`serviceAccount:${account.email}` },
        { parent: this },
      );
    }

    const keys = args.serviceAccountKeys.map(
      (keyId) =>
        new gcp.serviceaccount.Key(
          `${name}-app-key-${keyId}`,
          { serviceAccountId: account.name },
          { parent: this },
        ),
    );
    const newestKey = keys[keys.length - 1];
    if (!newestKey) {
      throw new pulumi.ResourceError("`serviceAccountKeys` must list at least one key id", this);
    }

    const bucket = new gcp.storage.Bucket(
      `${name}-uploads`,
      {
        project,
        name: args.bucket.name,
        location: args.bucket.location,
        uniformBucketLevelAccess: true,
        publicAccessPrevention: "enforced",
        forceDestroy: false,
        cors: [
          {
            origins: [...args.bucket.corsOrigins],
            responseHeaders: [...UPLOAD_CORS.responseHeaders],
            methods: [...UPLOAD_CORS.methods],
            maxAgeSeconds: UPLOAD_CORS.maxAgeSeconds,
          },
        ],
      },
      { parent: this, ...keep, import: args.imports?.bucket },
    );

    new gcp.storage.BucketIAMMember(
      `${name}-app-uploads-${slug(UPLOAD_BUCKET_ROLE)}`,
      {
        bucket: bucket.name,
        role: UPLOAD_BUCKET_ROLE,
        member: pulumi.interpolate`serviceAccount:${account.email}`,
      },
      { parent: this },
    );

    // The project's only public bucket: the Redis TLS buildpack Heroku fetches (docs/redis-tls.md).
    const buildpacks = new PublicBuildpack(
      `${name}-buildpacks`,
      { project, location: args.bucket.location, protect },
      { parent: this },
    );

    this.serviceAccountEmail = account.email;
    this.credentialsJson = pulumi.secret(
      newestKey.privateKey.apply((key) => Buffer.from(key, "base64").toString("utf8")),
    );
    this.bucketName = bucket.name;
    this.redisTlsBuildpackUrl = buildpacks.redisTlsUrl;
    this.registerOutputs({
      redisTlsBuildpackUrl: this.redisTlsBuildpackUrl,
      serviceAccountEmail: this.serviceAccountEmail,
      credentialsJson: this.credentialsJson,
      bucketName: this.bucketName,
    });
  }
}
