// What the policies look for: the engine-visible type tokens of our resources and the stack a
// resource belongs to. Dynamic resources get `pulumi-nodejs:dynamic/<module>:<type>` from
// `dynamic.Resource(..., "heroku", "App")`, so the pack can tell a Heroku App from an Addon.
export const HEROKU_APP = "pulumi-nodejs:dynamic/heroku:App";
export const HEROKU_ADDON = "pulumi-nodejs:dynamic/heroku:Addon";
export const HEROKU_CONFIG_VARS = "pulumi-nodejs:dynamic/heroku:ConfigVars";
export const HEROKU_SNI_ENDPOINT = "pulumi-nodejs:dynamic/heroku:SniEndpoint";
export const HEROKU_DOMAIN = "pulumi-nodejs:dynamic/heroku:Domain";
export const GODADDY_DNS_RECORD = "pulumi-nodejs:dynamic/godaddy:DnsRecord";
export const GCP_BUCKET = "gcp:storage/bucket:Bucket";
export const GCP_SERVICE_ACCOUNT = "gcp:serviceaccount/account:Account";
export const GCP_BUCKET_IAM_MEMBER = "gcp:storage/bucketIAMMember:BucketIAMMember";
export const GCP_BUCKET_IAM_BINDING = "gcp:storage/bucketIAMBinding:BucketIAMBinding";
export const GCP_PROJECT_IAM_MEMBER = "gcp:projects/iAMMember:IAMMember";

/**
 * Every @pulumi/gcp resource that grants a role (`…IAMMember`, `…IAMBinding`, `…IAMPolicy` of a
 * project, bucket, service account, key…) or an ACL entry (`…AccessControl`).
 */
export function isGcpGrant(type: string): boolean {
  return /^gcp:[^:]+:\w*(IAMMember|IAMBinding|IAMPolicy|AccessControl)$/.test(type);
}

/**
 * The stack named in a URN (`urn:pulumi:<stack>::<project>::<type>::<name>`). A policy pack
 * runs in its own process where `pulumi.getStack()` is not set, but every resource carries its
 * URN, so this works the same in `preview`, `up` and tests.
 */
export function stackOf(urn: string): string {
  const match = /^urn:pulumi:([^:]+)::/.exec(urn);
  if (!match?.[1]) {
    throw new Error(`not a Pulumi URN: ${urn}`);
  }
  return match[1];
}

/** A name for messages: the cloud name when the inputs have one, else the Pulumi name. */
export function displayName(props: Record<string, unknown>, key: string, fallback: string): string {
  const value = readKnown(props, key);
  return typeof value === "string" && value !== "" ? value : fallback;
}

/**
 * Reads `props[key]`, or `undefined` when the value is not known yet. During a preview the
 * policy framework hands out proxies that throw `UnknownValueError` on unknown values; a policy
 * that can decide without the value (a name for a message, one of many config vars) reads it
 * through here instead of giving up entirely.
 */
export function readKnown(props: Record<string, unknown>, key: string): unknown {
  try {
    return props[key];
  } catch (error) {
    if (isUnknownValueError(error)) {
      return undefined;
    }
    throw error;
  }
}

export function isUnknownValueError(error: unknown): boolean {
  return error instanceof Error && error.constructor.name === "UnknownValueError";
}
