// The one public bucket of a stack's GCP project: it serves the Redis TLS buildpack
// (buildpacks/redis-tls, docs/redis-tls.md) to Heroku, which fetches a buildpack from a public
// https URL at every build. The object is content-addressed: its name carries the SHA-256 of the
// archive's bytes, so a URL in an app's buildpack list always means the same content, and a
// changed buildpack is a new URL (a new object and a buildpack-list change in the same `up`).
// Nothing else is ever public: the policy pack allows exactly this bucket (policy/bucketPrivate.ts).
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";

/** The committed archive of buildpacks/redis-tls (made by `buildpacks/pack.sh redis-tls`). */
export const REDIS_TLS_ARCHIVE = join(__dirname, "..", "buildpacks", "redis-tls.tgz");

/** Suffix of the public bucket's name; the policy pack allows public access on it alone. */
export const PUBLIC_BUILDPACK_BUCKET_SUFFIX = "-buildpacks";

/** `redis-tls-<first 16 hex of the archive's SHA-256>.tgz`. */
export function contentAddressedName(archive: string, base: string): string {
  const digest = createHash("sha256").update(readFileSync(archive)).digest("hex");
  return `${base}-${digest.slice(0, 16)}.tgz`;
}

export interface PublicBuildpackArgs {
  /** The stack's Google Cloud project id; the bucket is `<project>-buildpacks`. */
  readonly project: string;
  /** Bucket location, e.g. `EU` (the upload bucket's). */
  readonly location: string;
  /** Production: protect the bucket and object and keep them on delete. Default false. */
  readonly protect?: boolean;
}

/** A public bucket serving the Redis TLS buildpack archive; `redisTlsUrl` is its https URL. */
export class PublicBuildpack extends pulumi.ComponentResource {
  /** `https://storage.googleapis.com/<bucket>/redis-tls-<sha256>.tgz`. */
  public readonly redisTlsUrl: pulumi.Output<string>;

  constructor(name: string, args: PublicBuildpackArgs, opts?: pulumi.ComponentResourceOptions) {
    super("gyana:gcp:PublicBuildpack", name, {}, opts);
    const protect = args.protect ?? false;
    const keep = { protect, retainOnDelete: protect };
    const bucket = new gcp.storage.Bucket(
      name,
      {
        project: args.project,
        name: `${args.project}${PUBLIC_BUILDPACK_BUCKET_SUFFIX}`,
        location: args.location,
        // IAM alone decides who reads; the one grant below makes its objects public.
        uniformBucketLevelAccess: true,
        publicAccessPrevention: "inherited",
        // It holds only archives built from this repository: nothing to lose on removal.
        forceDestroy: true,
        labels: { purpose: "public-buildpack" },
      },
      { parent: this, ...keep },
    );
    new gcp.storage.BucketIAMMember(
      `${name}-public-read`,
      { bucket: bucket.name, role: "roles/storage.objectViewer", member: "allUsers" },
      { parent: this, ...keep },
    );
    const objectName = contentAddressedName(REDIS_TLS_ARCHIVE, "redis-tls");
    const object = new gcp.storage.BucketObject(
      `${name}-redis-tls`,
      {
        bucket: bucket.name,
        name: objectName,
        source: new pulumi.asset.FileAsset(REDIS_TLS_ARCHIVE),
        contentType: "application/gzip",
        // The name pins the content, so caches may keep it for good.
        cacheControl: "public, max-age=31536000, immutable",
      },
      { parent: this, ...keep },
    );
    this.redisTlsUrl = pulumi.interpolate`https://storage.googleapis.com/${bucket.name}/${object.name}`;
    this.registerOutputs({ redisTlsUrl: this.redisTlsUrl });
  }
}
