// Production's data must carry `protect: true`, so that no preview that plans to delete or replace
// it can be applied: the Heroku app (whose deletion takes its add-ons with it), the Postgres
// database, the users' uploaded files, the identity the app's credentials belong to. What counts
// as production is decided twice, and either is enough: the stack (policy config
// `protectedStacks`, default prod) and the values (policy/production.ts: a resource that names
// production's app, project or bucket is production's, whatever its stack is called).
//
// A second policy refuses production's values in any other stack at all: a dev stack pointed at
// gyana-beta would otherwise overwrite production's config vars from dev's config.
import type { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import {
  DEFAULT_PROTECTED_STACKS,
  productionConfig,
  productionReference,
  productionValuesSchema,
} from "./production";
import {
  GCP_BUCKET,
  GCP_SERVICE_ACCOUNT,
  HEROKU_ADDON,
  HEROKU_APP,
  displayName,
  readKnown,
  stackOf,
} from "./resources";

export { DEFAULT_PROTECTED_STACKS };

interface Guarded {
  /** What the resource is, for the message. */
  what: string;
  /** Why losing it hurts, for the message. */
  why: string;
}

function guarded(args: ResourceValidationArgs): Guarded | undefined {
  switch (args.type) {
    case HEROKU_ADDON: {
      const plan = readKnown(args.props, "plan");
      // An unknown plan cannot be told apart; the Postgres plan is always a literal in config.
      if (typeof plan === "string" && plan.startsWith("heroku-postgresql")) {
        return {
          what: `Heroku Postgres add-on "${displayName(args.props, "name", args.name)}"`,
          why: "deleting or replacing it destroys the production database",
        };
      }
      return undefined;
    }
    case HEROKU_APP:
      return {
        what: `Heroku app "${displayName(args.props, "name", args.name)}"`,
        why: "deleting or replacing it deletes the add-ons it bills, the database among them",
      };
    case GCP_BUCKET:
      return {
        what: `Cloud Storage bucket "${displayName(args.props, "name", args.name)}"`,
        why: "deleting or replacing it destroys the files users uploaded",
      };
    case GCP_SERVICE_ACCOUNT:
      return {
        what: `service account "${displayName(args.props, "accountId", args.name)}"`,
        why: "deleting or replacing it revokes the credentials the app runs with",
      };
    default:
      return undefined;
  }
}

const configSchema = {
  properties: {
    protectedStacks: {
      type: "array" as const,
      items: { type: "string" as const },
      default: DEFAULT_PROTECTED_STACKS,
    },
    productionValues: productionValuesSchema,
  },
};

export const productionDataProtected: ResourceValidationPolicy = {
  name: "production-data-protected",
  description:
    "Production's Heroku app, Postgres add-on, upload bucket and service account are protected from deletion.",
  enforcementLevel: "mandatory",
  configSchema,
  validateResource: (args, reportViolation) => {
    const target = guarded(args);
    if (!target || args.opts.protect) {
      return;
    }
    const stack = stackOf(args.urn);
    const { protectedStacks, values } = productionConfig(args);
    if (protectedStacks.includes(stack)) {
      reportViolation(
        `${target.what} in stack ${stack} must be protected (protect: true): ${target.why}.`,
      );
      return;
    }
    const reference = productionReference(args.type, args.props, values);
    if (reference !== undefined) {
      reportViolation(
        `${target.what} in stack ${stack} must be protected (protect: true): it is production's (${reference}), and ${target.why}.`,
      );
    }
  },
};

export const productionValuesInProductionStacks: ResourceValidationPolicy = {
  name: "production-values-in-production-stacks",
  description:
    "Only the production stacks manage production's Heroku app, Google Cloud project, upload bucket and host names.",
  enforcementLevel: "mandatory",
  configSchema,
  validateResource: (args, reportViolation) => {
    const stack = stackOf(args.urn);
    const { protectedStacks, values } = productionConfig(args);
    if (protectedStacks.includes(stack)) {
      return;
    }
    const reference = productionReference(args.type, args.props, values);
    if (reference !== undefined) {
      reportViolation(
        `${args.name} in stack ${stack} names production's ${reference}; only the stacks ${protectedStacks.join(", ")} may (policy config protectedStacks). Point this stack's config at its own app, project, bucket and hosts.`,
      );
    }
  },
};
