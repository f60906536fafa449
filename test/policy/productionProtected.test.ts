import { describe, expect, it } from "vitest";
import { productionDataProtected } from "../../policy/productionProtected";
import { GCP_BUCKET, GCP_SERVICE_ACCOUNT, HEROKU_ADDON, HEROKU_APP } from "../../policy/resources";
import { type ResourceSpec, violationsOf } from "./policyHarness";

const postgres: ResourceSpec = {
  type: HEROKU_ADDON,
  name: "prod-postgres",
  props: { app: "gyana-beta", plan: "heroku-postgresql:standard-0", name: "gyana-beta-postgres" },
};
const redis: ResourceSpec = {
  type: HEROKU_ADDON,
  name: "prod-redis",
  props: { app: "gyana-beta", plan: "heroku-redis:premium-0" },
};
const bucket: ResourceSpec = {
  type: GCP_BUCKET,
  name: "gcp-uploads",
  props: { name: "gyana-app", location: "EU" },
};
const account: ResourceSpec = {
  type: GCP_SERVICE_ACCOUNT,
  name: "gcp-app",
  props: { accountId: "gyana-app", project: "gyana-app-314217" },
};

describe("policy production-data-protected", () => {
  it("passes the prod database, bucket and service account when protected", async () => {
    for (const spec of [postgres, bucket, account]) {
      expect(
        await violationsOf(productionDataProtected, { ...spec, stack: "prod", protect: true }),
      ).toEqual([]);
    }
  });

  it("rejects an unprotected prod Postgres add-on", async () => {
    expect(await violationsOf(productionDataProtected, { ...postgres, stack: "prod" })).toEqual([
      'Heroku Postgres add-on "gyana-beta-postgres" in stack prod must be protected (protect: true): deleting or replacing it destroys the production database.',
    ]);
  });

  it("rejects an unprotected prod bucket", async () => {
    expect(await violationsOf(productionDataProtected, { ...bucket, stack: "prod" })).toEqual([
      'Cloud Storage bucket "gyana-app" in stack prod must be protected (protect: true): deleting or replacing it destroys the files users uploaded.',
    ]);
  });

  it("rejects an unprotected prod service account", async () => {
    expect(await violationsOf(productionDataProtected, { ...account, stack: "prod" })).toEqual([
      'service account "gyana-app" in stack prod must be protected (protect: true): deleting or replacing it revokes the credentials the app runs with.',
    ]);
  });

  it("lets dev and staging keep the same resources unprotected", async () => {
    for (const stack of ["dev", "staging"]) {
      for (const spec of [postgres, bucket, account]) {
        expect(await violationsOf(productionDataProtected, { ...spec, stack })).toEqual([]);
      }
    }
  });

  it("does not require protection for the Redis add-on, a cache and broker", async () => {
    expect(await violationsOf(productionDataProtected, { ...redis, stack: "prod" })).toEqual([]);
  });

  it("rejects an unprotected prod Heroku app, whose deletion takes its add-ons", async () => {
    const app: ResourceSpec = {
      type: HEROKU_APP,
      name: "app",
      props: { name: "gyana-beta", region: "eu" },
    };
    expect(await violationsOf(productionDataProtected, { ...app, stack: "prod" })).toEqual([
      'Heroku app "gyana-beta" in stack prod must be protected (protect: true): deleting or replacing it deletes the add-ons it bills, the database among them.',
    ]);
    expect(
      await violationsOf(productionDataProtected, { ...app, stack: "prod", protect: true }),
    ).toEqual([]);
  });

  it("takes the list of production stacks from policy config", async () => {
    const config = { protectedStacks: ["prod", "staging"] };
    expect(
      await violationsOf(productionDataProtected, { ...bucket, stack: "staging", config }),
    ).toEqual([
      'Cloud Storage bucket "gyana-app" in stack staging must be protected (protect: true): deleting or replacing it destroys the files users uploaded.',
    ]);
  });
});
