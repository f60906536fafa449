// Users' files stay in the EU, like their data in Heroku's `eu` region and BigQuery's `EU`
// location (the app sets BIGQUERY_LOCATION = "EU"). A bucket's location cannot change after it is
// created. Allowed: the EU multi-region, the EUR4 dual-region (Netherlands and Finland) and the
// regions in EU member states, as Google lists them (https://cloud.google.com/storage/docs/locations).
// Not allowed by default: London (europe-west2), Zurich (europe-west6) and the dual-regions that
// include them (EUR5, EUR7, EUR8): in Europe, not in the EU. Policy config `allowedLocations`
// replaces the list.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { GCP_BUCKET, displayName } from "./resources";

export const EU_LOCATIONS = [
  "EU",
  "EUR4",
  "EUROPE-CENTRAL2",
  "EUROPE-NORTH1",
  "EUROPE-NORTH2",
  "EUROPE-SOUTHWEST1",
  "EUROPE-WEST1",
  "EUROPE-WEST3",
  "EUROPE-WEST4",
  "EUROPE-WEST8",
  "EUROPE-WEST9",
  "EUROPE-WEST10",
  "EUROPE-WEST12",
];

export const bucketInEu: ResourceValidationPolicy = {
  name: "bucket-in-eu",
  description: "Cloud Storage buckets are located in the EU, so users' files stay in the EU.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      allowedLocations: { type: "array", items: { type: "string" }, default: EU_LOCATIONS },
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
