// Gyana's users and their data are in the EU; every Heroku app (and so its dynos, Postgres and
// Redis) must run in Heroku's `eu` region. Heroku places an app in `us` when no region is given.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { HEROKU_APP, displayName } from "./resources";

export const REQUIRED_HEROKU_REGION = "eu";

export const herokuAppInEu: ResourceValidationPolicy = {
  name: "heroku-app-in-eu",
  description: "Heroku apps run in the eu region, so user data stays in the EU.",
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (args.type !== HEROKU_APP) {
      return;
    }
    const app = displayName(args.props, "name", args.name);
    const region: unknown = args.props.region;
    if (region === undefined || region === null || region === "") {
      reportViolation(
        `Heroku app "${app}" sets no region, so Heroku would place it in us; set region: "${REQUIRED_HEROKU_REGION}".`,
      );
    } else if (region !== REQUIRED_HEROKU_REGION) {
      reportViolation(
        `Heroku app "${app}" is in region ${JSON.stringify(region)}; it must be in "${REQUIRED_HEROKU_REGION}" so user data stays in the EU.`,
      );
    }
  },
};
