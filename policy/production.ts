// What "production" is, by value: its Heroku app, Google Cloud project, upload bucket and host
// names (Pulumi.prod.yaml; test/policy/production.test.ts keeps the two in step). A stack is
// production because of what it manages, not because of its name: a dev stack whose config was
// pointed at gyana-beta would otherwise manage production unprotected, and `pulumi destroy` of it
// would delete production. Policy config `productionValues` overrides the defaults.
import type { ResourceValidationArgs } from "@pulumi/policy";
import {
  GCP_BUCKET,
  GODADDY_DNS_RECORD,
  HEROKU_APP,
  HEROKU_DOMAIN,
  isGcpGrant,
  readKnown,
} from "./resources";

export interface ProductionValues {
  herokuApps: string[];
  gcpProjects: string[];
  buckets: string[];
  hostnames: string[];
}

export const DEFAULT_PRODUCTION_VALUES: ProductionValues = {
  herokuApps: ["gyana-beta"],
  gcpProjects: ["gyana-app-314217"],
  buckets: ["gyana-app"],
  hostnames: ["app.gyana.com", "beta.gyana.com"],
};

export const productionValuesSchema = {
  type: "object" as const,
  properties: {
    herokuApps: { type: "array" as const, items: { type: "string" as const } },
    gcpProjects: { type: "array" as const, items: { type: "string" as const } },
    buckets: { type: "array" as const, items: { type: "string" as const } },
    hostnames: { type: "array" as const, items: { type: "string" as const } },
  },
  default: DEFAULT_PRODUCTION_VALUES,
};

/** The config of either production policy, with the defaults filled in. */
export function productionConfig(args: Pick<ResourceValidationArgs, "getConfig">): {
  protectedStacks: string[];
  values: ProductionValues;
} {
  const config = args.getConfig<{
    protectedStacks?: string[];
    productionValues?: Partial<ProductionValues>;
  }>();
  return {
    protectedStacks: config.protectedStacks ?? DEFAULT_PROTECTED_STACKS,
    values: { ...DEFAULT_PRODUCTION_VALUES, ...config.productionValues },
  };
}

export const DEFAULT_PROTECTED_STACKS = ["prod"];

const text = (props: Record<string, unknown>, key: string): string | undefined => {
  const value = readKnown(props, key);
  return typeof value === "string" ? value : undefined;
};

/**
 * The production value a resource names, as words for a message ("Heroku app gyana-beta"), or
 * undefined. A value not known yet (preview) names nothing; it is checked again at `up`.
 */
export function productionReference(
  type: string,
  props: Record<string, unknown>,
  values: ProductionValues,
): string | undefined {
  const project = text(props, "project");
  if (type.startsWith("gcp:") && project !== undefined && values.gcpProjects.includes(project)) {
    return `Google Cloud project ${project}`;
  }
  if (type === HEROKU_APP) {
    const name = text(props, "name");
    if (name !== undefined && values.herokuApps.includes(name)) return `Heroku app ${name}`;
  }
  if (type === GCP_BUCKET || isGcpGrant(type)) {
    const bucket = text(props, type === GCP_BUCKET ? "name" : "bucket");
    if (bucket !== undefined && values.buckets.includes(bucket)) return `bucket ${bucket}`;
  }
  if (type === HEROKU_DOMAIN) {
    const host = text(props, "hostname");
    if (host !== undefined && values.hostnames.includes(host)) return `host ${host}`;
  }
  if (type === GODADDY_DNS_RECORD) {
    const domain = text(props, "domain");
    const name = text(props, "name");
    const host = name === "@" ? domain : `${name}.${domain}`;
    if (domain !== undefined && name !== undefined && values.hostnames.includes(host ?? "")) {
      return `host ${host}`;
    }
  }
  return undefined;
}
