// The Cloud Storage locations inside the EU: the one list that both the policy pack
// (bucketLocation.ts) and the stack config's validation (config/schema.ts) allow, so a location
// the pack would refuse at preview is refused by the config first, before any resource. This file
// imports nothing: the pack runs from the base branch's checkout, and the program imports it too.
//
// Users' files stay in the EU, like their data in Heroku's `eu` region and BigQuery's `EU`
// location (the app sets BIGQUERY_LOCATION = "EU"). Allowed: the EU multi-region, the EUR4
// dual-region (Netherlands and Finland) and the regions in EU member states, as Google lists them
// (https://cloud.google.com/storage/docs/locations). Not allowed: London (europe-west2), Zurich
// (europe-west6) and the dual-regions that include them (EUR5, EUR7, EUR8): in Europe, not in the
// EU.
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
] as const;
