import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { DEFAULT_PRODUCTION_VALUES } from "../../policy/production";
import {
  productionDataProtected,
  productionValuesInProductionStacks,
} from "../../policy/productionProtected";
import {
  GCP_BUCKET,
  GCP_SERVICE_ACCOUNT,
  GODADDY_DNS_RECORD,
  HEROKU_ADDON,
  HEROKU_APP,
  HEROKU_DOMAIN,
} from "../../policy/resources";
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

  it("lets dev and staging keep their own database, bucket and account unprotected", async () => {
    const own = [
      { ...postgres, props: { ...postgres.props, app: "gyana-dev", name: "gyana-dev-postgresql" } },
      { ...bucket, props: { ...bucket.props, name: "gyana-dev-uploads", project: "gyana-dev-1" } },
      { ...account, props: { ...account.props, project: "gyana-dev-1" } },
    ];
    for (const stack of ["dev", "staging"]) {
      for (const spec of own) {
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

// Production is what a stack manages, not what it is called: a non-prod stack pointed at
// production's app, bucket, project or hosts is refused, whatever its name.
describe("production is recognised by its values, not the stack's name", () => {
  const prodApp: ResourceSpec = {
    type: HEROKU_APP,
    name: "app",
    props: { name: "gyana-beta", region: "eu" },
  };
  const prodProjectAccount: ResourceSpec = {
    type: GCP_SERVICE_ACCOUNT,
    name: "gcp-app",
    props: { accountId: "gyana-dev-app", project: "gyana-app-314217" },
  };
  const prodBucketInOtherProject: ResourceSpec = {
    type: GCP_BUCKET,
    name: "gcp-uploads",
    props: { name: "gyana-app", project: "gyana-dev-1", location: "EU" },
  };
  const prodHost: ResourceSpec = {
    type: HEROKU_DOMAIN,
    name: "domain-app-gyana-com",
    props: { app: "gyana-dev", hostname: "app.gyana.com" },
  };
  const prodRecord: ResourceSpec = {
    type: GODADDY_DNS_RECORD,
    name: "domain-app-gyana-com-dns",
    props: { domain: "gyana.com", type: "CNAME", name: "beta", data: "x.herokudns.com" },
  };

  it("requires protection of production's app, bucket and account in a stack named dev", async () => {
    expect(await violationsOf(productionDataProtected, prodApp)).toEqual([
      'Heroku app "gyana-beta" in stack dev must be protected (protect: true): it is production\'s (Heroku app gyana-beta), and deleting or replacing it deletes the add-ons it bills, the database among them.',
    ]);
    expect(await violationsOf(productionDataProtected, prodBucketInOtherProject)).toEqual([
      'Cloud Storage bucket "gyana-app" in stack dev must be protected (protect: true): it is production\'s (bucket gyana-app), and deleting or replacing it destroys the files users uploaded.',
    ]);
    expect(await violationsOf(productionDataProtected, prodProjectAccount)).toEqual([
      'service account "gyana-dev-app" in stack dev must be protected (protect: true): it is production\'s (Google Cloud project gyana-app-314217), and deleting or replacing it revokes the credentials the app runs with.',
    ]);
  });

  it("refuses production's app, project, bucket and hosts in any stack but prod, even protected", async () => {
    const refusals = [];
    for (const spec of [
      prodApp,
      prodProjectAccount,
      prodBucketInOtherProject,
      prodHost,
      prodRecord,
    ]) {
      refusals.push(
        ...(await violationsOf(productionValuesInProductionStacks, {
          ...spec,
          stack: "staging",
          protect: true,
        })),
      );
    }
    expect(refusals).toEqual([
      "app in stack staging names production's Heroku app gyana-beta; only the stacks prod may (policy config protectedStacks). Point this stack's config at its own app, project, bucket and hosts.",
      "gcp-app in stack staging names production's Google Cloud project gyana-app-314217; only the stacks prod may (policy config protectedStacks). Point this stack's config at its own app, project, bucket and hosts.",
      "gcp-uploads in stack staging names production's bucket gyana-app; only the stacks prod may (policy config protectedStacks). Point this stack's config at its own app, project, bucket and hosts.",
      "domain-app-gyana-com in stack staging names production's host app.gyana.com; only the stacks prod may (policy config protectedStacks). Point this stack's config at its own app, project, bucket and hosts.",
      "domain-app-gyana-com-dns in stack staging names production's host beta.gyana.com; only the stacks prod may (policy config protectedStacks). Point this stack's config at its own app, project, bucket and hosts.",
    ]);
  });

  it("a stack renamed from prod that manages production is refused too", async () => {
    expect(
      await violationsOf(productionValuesInProductionStacks, {
        ...prodApp,
        stack: "production",
        protect: true,
      }),
    ).toHaveLength(1);
    expect(
      await violationsOf(productionValuesInProductionStacks, { ...prodApp, stack: "prod" }),
    ).toEqual([]);
  });

  it("lets dev and staging manage their own app, project, bucket and hosts", async () => {
    const own: ResourceSpec[] = [
      { type: HEROKU_APP, name: "app", props: { name: "gyana-dev", region: "eu" } },
      { type: GCP_BUCKET, name: "b", props: { name: "gyana-dev-x", project: "gyana-dev-1" } },
      { type: HEROKU_DOMAIN, name: "d", props: { hostname: "dev.gyana.com" } },
    ];
    for (const spec of own) {
      expect(await violationsOf(productionValuesInProductionStacks, spec)).toEqual([]);
      expect(await violationsOf(productionDataProtected, spec)).toEqual([]);
    }
  });

  it("takes production's values from policy config", async () => {
    const config = { productionValues: { herokuApps: ["gyana-prod-2"] } };
    const other: ResourceSpec = {
      type: HEROKU_APP,
      name: "app",
      props: { name: "gyana-prod-2", region: "eu" },
      config,
    };
    expect(await violationsOf(productionValuesInProductionStacks, other)).toHaveLength(1);
    expect(await violationsOf(productionValuesInProductionStacks, { ...prodApp, config })).toEqual(
      [],
    );
  });

  it("the defaults are exactly Pulumi.prod.yaml's app, project, bucket and hosts", () => {
    const prod = parse(readFileSync(path.join(__dirname, "../../Pulumi.prod.yaml"), "utf8")) as {
      config: Record<string, unknown>;
    };
    const config = prod.config as {
      "gcp:project": string;
      "gyana:heroku": { app: string };
      "gyana:google": { bucket: { name: string } };
      "gyana:domains": { hostnames: string[] };
    };
    expect(DEFAULT_PRODUCTION_VALUES).toEqual({
      herokuApps: [config["gyana:heroku"].app],
      gcpProjects: [config["gcp:project"]],
      buckets: [config["gyana:google"].bucket.name],
      hostnames: config["gyana:domains"].hostnames,
    });
  });
});
