// Users' files stay in the EU (euLocations.ts lists where, and why). A bucket's location cannot
// change after it is created. Policy config `allowedLocations` replaces the list; the stack
// config (config/schema.ts) allows the same default list, so a stack is refused before the pack
// sees it.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { EU_LOCATIONS } from "./euLocations";
import { GCP_BUCKET, displayName } from "./resources";

export { EU_LOCATIONS };

export const bucketInEu: ResourceValidationPolicy = {
  name: "bucket-in-eu",
  description: "Cloud Storage buckets are located in the EU, so users' files stay in the EU.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      allowedLocations: { type: "array", items: { type: "string" }, default: [...EU_LOCATIONS] },
    },
  },
  validateResource: (args, reportViolation) => {
    if (args.type !== GCP_BUCKET) {
      return;
    }
    const allowed = (
      args.getConfig<{ allowedLocations?: string[] }>().allowedLocations ?? EU_LOCATIONS
    ).map((l) => l.toUpperCase());
    const location: unknown = args.props.location;
    const bucket = displayName(args.props, "name", args.name);
    if (typeof location !== "string" || !allowed.includes(location.toUpperCase())) {
      reportViolation(
        `Cloud Storage bucket "${bucket}" is in ${location === undefined ? "no location" : JSON.stringify(location)}; it must be in the EU (one of ${allowed.join(", ")}), and a bucket's location cannot change later.`,
      );
    }
  },
};
