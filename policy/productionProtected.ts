// In production, the resources whose loss cannot be undone by running `pulumi up` again (the
// Heroku app, whose deletion takes its add-ons with it, the Postgres database, the users'
// uploaded files, the identity the app's credentials belong to)
// must carry `protect: true`, so that no preview that plans to delete or replace them can be
// applied. Which stacks count as production is policy config (`protectedStacks`, default prod).
import type { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import {
  GCP_BUCKET,
  GCP_SERVICE_ACCOUNT,
  HEROKU_ADDON,
  HEROKU_APP,
  displayName,
  readKnown,
  stackOf,
} from "./resources";

export const DEFAULT_PROTECTED_STACKS = ["prod"];

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

export const productionDataProtected: ResourceValidationPolicy = {
  name: "production-data-protected",
  description:
    "In production, the Heroku app, the Postgres add-on, the upload bucket and the app's service account are protected from deletion.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      protectedStacks: {
        type: "array",
        items: { type: "string" },
        default: DEFAULT_PROTECTED_STACKS,
      },
    },
  },
  validateResource: (args, reportViolation) => {
    const target = guarded(args);
    if (!target) {
      return;
    }
    const stack = stackOf(args.urn);
    const protectedStacks =
      args.getConfig<{ protectedStacks?: string[] }>().protectedStacks ?? DEFAULT_PROTECTED_STACKS;
    if (protectedStacks.includes(stack) && !args.opts.protect) {
      reportViolation(
        `${target.what} in stack ${stack} must be protected (protect: true): ${target.why}.`,
      );
    }
  },
};
