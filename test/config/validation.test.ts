import { describe, expect, it } from "vitest";
import { ConfigError, loadStackConfig } from "../../config/load";
import { BUCKET_LOCATIONS } from "../../config/schema";
import { bucketInEu } from "../../policy/bucketLocation";
import { EU_LOCATIONS } from "../../policy/euLocations";
import { GCP_BUCKET } from "../../policy/resources";
import { configSourceOf, readStackFile } from "../../tools/stackFile";
import { violationsOf } from "../policy/policyHarness";
import { testSecrets } from "../support/stack";
import { wildcardCertificate } from "../support/certificates";

/** The live SECRET_KEY and HASHIDS_SALT a real production keeps (it refuses to run without). */
const LIVE_SECRET_KEY = "live-django-secret-key-".padEnd(60, "k");
const LIVE_SALT = "live-hashids-salt-0123456789abcd";

/** The prod stack file with test secrets, with some keys replaced (structured ones as objects). */
async function prodWith(
  overrides: Record<string, unknown> = {},
  options: { secrets?: Record<string, string | undefined>; plainSecrets?: string[] } = {},
) {
  const secrets: Record<string, string | undefined> = {
    ...(await testSecrets()),
    "gyana:secretKey": LIVE_SECRET_KEY,
    "gyana:hashidsSalt": LIVE_SALT,
    ...options.secrets,
  };
  for (const [key, value] of Object.entries(secrets)) if (value === undefined) delete secrets[key];
  const file = readStackFile("prod", {
    secrets: secrets as Record<string, string>,
    standInMissingSecrets: false,
    overrides: Object.fromEntries(
      Object.entries(overrides).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
    ),
  });
  file.secretKeys = file.secretKeys.filter((k) => !(options.plainSecrets ?? []).includes(k));
  return file;
}

function problemsOf(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

async function prodProblems(
  overrides: Record<string, unknown> = {},
  options: Parameters<typeof prodWith>[1] = {},
): Promise<string[]> {
  const file = await prodWith(overrides, options);
  return problemsOf(() => loadStackConfig(configSourceOf(file), "prod"));
}

const prodHeroku = () =>
  JSON.parse(readStackFile("prod").config["gyana:heroku"] ?? "{}") as Record<string, unknown>;
const prodGoogle = () =>
  JSON.parse(readStackFile("prod").config["gyana:google"] ?? "{}") as Record<string, unknown>;

describe("valid stack config", () => {
  it("prod loads the runbook's values", async () => {
    const config = loadStackConfig(configSourceOf(await prodWith()), "prod");
    expect(config.gcpProject).toBe("gyana-app-314217");
    expect(config.heroku.app).toBe("gyana-beta");
    expect(config.heroku.region).toBe("eu");
    expect(config.externalUrl).toBe("https://app.gyana.com");
    expect(config.google.bucket).toEqual({
      name: "gyana-app",
      location: "EU",
      corsOrigins: ["https://beta.gyana.com"],
    });
    expect(config.google.serviceAccountId).toBe("gyana-app");
    expect(config.protect).toBe(true);
    expect(config.domains.hostnames).toEqual(["app.gyana.com", "beta.gyana.com"]);
    expect(config.configVars).toEqual({ ENGINE_URL: "bigquery://gyana-app-314217" });
  });

  it.each([
    ["dev", "gyana-dev", "development"],
    ["staging", "gyana-release", "staging"],
  ])("%s loads as app %s in pipeline stage %s", async (stack, app, stage) => {
    const file = readStackFile(stack, { secrets: await testSecrets() });
    const config = loadStackConfig(configSourceOf(file), stack);
    expect(config.heroku.app).toBe(app);
    expect(config.heroku.pipeline.stage).toBe(stage);
    expect(config.protect).toBe(false);
    expect(config.placeholders.length).toBeGreaterThan(0);
  });

  it("secrets come back as Pulumi secrets, not strings", async () => {
    const config = loadStackConfig(configSourceOf(await prodWith()), "prod");
    expect(typeof config.secrets.sendgridApiKey).toBe("object");
    expect(typeof config.secrets.secretKey).toBe("object");
    expect(typeof config.secrets.hashidsSalt).toBe("object");
  });
});

describe("bad config is refused with the key, the value and what is allowed", () => {
  it("a region other than eu", async () => {
    expect(await prodProblems({ "gyana:heroku": { ...prodHeroku(), region: "us" } })).toEqual([
      'gyana:heroku.region: "us" is not allowed; it must be one of: eu',
    ]);
  });

  it("a Heroku app name with capitals", async () => {
    expect(await prodProblems({ "gyana:heroku": { ...prodHeroku(), app: "Gyana_Beta" } })).toEqual([
      'gyana:heroku.app: "Gyana_Beta" is not allowed; it must be a Heroku app name: 3-30 lower-case letters, digits and dashes, starting with a letter',
    ]);
  });

  it("a malformed GCP project id", async () => {
    expect(await prodProblems({ "gcp:project": "Gyana App" })).toEqual([
      'gcp:project: "Gyana App" is not allowed; it must be a Google Cloud project id: 6-30 lower-case letters, digits and dashes',
    ]);
  });

  it("an external URL that is not https", async () => {
    expect(await prodProblems({ "gyana:externalUrl": "http://app.gyana.com" })).toEqual([
      'gyana:externalUrl: "http://app.gyana.com" is not allowed; it must be https:// followed by a lower-case host name and nothing else (no path, port, user or trailing slash), e.g. https://app.gyana.com',
    ]);
  });

  it("a CORS origin with a path", async () => {
    const google = prodGoogle();
    const bucket = { ...(google["bucket"] as object), corsOrigins: ["https://beta.gyana.com/app"] };
    expect(await prodProblems({ "gyana:google": { ...google, bucket } })).toEqual([
      'gyana:google.bucket.corsOrigins[0]: "https://beta.gyana.com/app" is not allowed; it must be an origin: scheme and host with no path, e.g. https://beta.gyana.com',
    ]);
  });

  it("a developer entry that is not an email", async () => {
    expect(
      await prodProblems({ "gyana:google": { ...prodGoogle(), developers: ["jane"] } }),
    ).toEqual([
      'gyana:google.developers[0]: "jane" is not allowed; it must be an email address, e.g. jane@gyana.co.uk',
    ]);
  });

  it("a bucket location outside the EU, as the policy pack refuses it, before any resource", async () => {
    // US, London (EUROPE-WEST2) and US-CENTRAL1 were accepted here and refused by the pack at
    // preview time: config now allows exactly the pack's list.
    const google = prodGoogle();
    for (const location of ["MARS", "US", "EUROPE-WEST2", "US-CENTRAL1", "EUR5"]) {
      const bucket = { ...(google["bucket"] as object), location };
      expect(await prodProblems({ "gyana:google": { ...google, bucket } }), location).toEqual([
        `gyana:google.bucket.location: "${location}" is not allowed; it must be one of: ` +
          "EU, EUR4, EUROPE-CENTRAL2, EUROPE-NORTH1, EUROPE-NORTH2, EUROPE-SOUTHWEST1, " +
          "EUROPE-WEST1, EUROPE-WEST3, EUROPE-WEST4, EUROPE-WEST8, EUROPE-WEST9, EUROPE-WEST10, " +
          "EUROPE-WEST12 (users' files stay in the EU; the policy pack refuses any other " +
          "location, and a bucket's location cannot change later)",
      ]);
    }
  });

  it("every bucket location config accepts passes the policy pack, from the same list", async () => {
    expect(BUCKET_LOCATIONS).toBe(EU_LOCATIONS);
    const google = prodGoogle();
    for (const location of BUCKET_LOCATIONS) {
      const bucket = { ...(google["bucket"] as object), location };
      const file = await prodWith({ "gyana:google": { ...google, bucket } });
      const config = loadStackConfig(configSourceOf(file), "prod");
      const violations = await violationsOf(bucketInEu, {
        type: GCP_BUCKET,
        name: "gcp-uploads",
        props: { name: config.google.bucket.name, location: config.google.bucket.location },
      });
      expect(violations, location).toEqual([]);
    }
  });

  it("a DNS TTL under GoDaddy's minimum of 600 seconds", async () => {
    const domains = { zone: "gyana.com", hostnames: ["app.gyana.com"], ttl: 300, dns: "godaddy" };
    expect(await prodProblems({ "gyana:domains": domains })).toEqual([
      "gyana:domains.ttl: 300 is not allowed; it must be at least 600 seconds (GoDaddy refuses shorter TTLs)",
    ]);
  });

  it("a hostname outside the DNS zone", async () => {
    const domains = { zone: "gyana.com", hostnames: ["app.gyana.io"], ttl: 600, dns: "godaddy" };
    expect(await prodProblems({ "gyana:domains": domains })).toEqual([
      'gyana:domains.hostnames[0]: "app.gyana.io" is not allowed; it must be inside the zone gyana.com (gyana:domains.zone), as <host>.gyana.com',
    ]);
  });

  it("an unknown DNS mode", async () => {
    const domains = { zone: "gyana.com", hostnames: [], ttl: 600, dns: "cloudflare" };
    expect(await prodProblems({ "gyana:domains": domains })).toEqual([
      'gyana:domains.dns: "cloudflare" is not allowed; it must be one of: godaddy, manual',
    ]);
  });

  it("an add-on plan of the wrong service", async () => {
    const addons = { postgres: "heroku-redis:mini", redis: "heroku-redis:mini" };
    expect(await prodProblems({ "gyana:heroku": { ...prodHeroku(), addons } })).toEqual([
      'gyana:heroku.addons.postgres: "heroku-redis:mini" is not allowed; it must be a Heroku Postgres plan, e.g. heroku-postgresql:essential-0',
    ]);
  });

  it("a formation without the priority and beat processes and with a negative quantity", async () => {
    const formation = {
      web: { quantity: -1, size: "standard-1x" },
      worker: { quantity: 1, size: "standard-1x" },
    };
    expect(await prodProblems({ "gyana:heroku": { ...prodHeroku(), formation } })).toEqual([
      "gyana:heroku.formation.web.quantity: -1 is not allowed; it must be a whole number from 0 to 100",
      "gyana:heroku.formation.priority: missing; it must be a process: { quantity: <0 to 100>, size: <dyno size> }",
      "gyana:heroku.formation.beat: missing; it must be a process: { quantity: <0 to 100>, size: <dyno size> }",
    ]);
  });

  it("an unknown dyno size", async () => {
    const formation = {
      ...(prodHeroku()["formation"] as object),
      beat: { quantity: 1, size: "huge" },
    };
    expect(await prodProblems({ "gyana:heroku": { ...prodHeroku(), formation } })).toEqual([
      'gyana:heroku.formation.beat.size: "huge" is not allowed; it must be a Heroku dyno size: eco, basic, standard-1x, standard-2x, performance-m, performance-l, performance-l-ram, performance-xl, performance-2xl',
    ]);
  });

  it("a pipeline stage Heroku does not have", async () => {
    const pipeline = { name: "gyana", stage: "prod" };
    expect(await prodProblems({ "gyana:heroku": { ...prodHeroku(), pipeline } })).toEqual([
      'gyana:heroku.pipeline.stage: "prod" is not allowed; it must be one of: development, staging, production',
    ]);
  });

  it("a misspelt field inside a structured key", async () => {
    expect(await prodProblems({ "gyana:heroku": { ...prodHeroku(), regoin: "eu" } })).toEqual([
      'gyana:heroku: unknown field "regoin" (did you mean "region"?); allowed: app, region, stack, team, maintenance, apiKeyConfigVar, addons, formation, pipeline',
    ]);
  });

  it("a misspelt top-level key, with the likely intended one", async () => {
    expect(await prodProblems({ "gyana:sendgridApikey": "x" })).toEqual([
      "gyana:sendgridApikey: not a known key; did you mean gyana:sendgridApiKey?",
    ]);
  });

  it("production without protection", async () => {
    expect(await prodProblems({ "gyana:protect": false })).toEqual([
      "gyana:protect: false is not allowed in production; it must be true so that no typo can delete production data",
    ]);
  });

  it("a missing required secret, with the command to set it", async () => {
    expect(await prodProblems({}, { secrets: { "gyana:sendgridApiKey": undefined } })).toEqual([
      "gyana:sendgridApiKey: missing; set it with `pulumi config set --secret gyana:sendgridApiKey` (SendGrid → Settings → API keys)",
    ]);
  });

  it("a secret stored in plain text", async () => {
    expect(await prodProblems({}, { plainSecrets: ["gyana:honeycombApiKey"] })).toEqual([
      "gyana:honeycombApiKey: is stored in plain text; remove it and set it with `pulumi config set --secret gyana:honeycombApiKey`",
    ]);
  });

  it("a SECRET_KEY too short, without showing it", async () => {
    const problems = await prodProblems({}, { secrets: { "gyana:secretKey": "short-secret" } });
    expect(problems).toEqual([
      "gyana:secretKey: [secret] is not allowed; it must be at least 50 characters long",
    ]);
    expect(problems.join("\n")).not.toContain("short-secret");
  });

  it("extra secret config vars that are not a name → value object", async () => {
    expect(
      await prodProblems({}, { secrets: { "gyana:secretConfigVars": '{"lower": 1}' } }),
    ).toEqual([
      "gyana:secretConfigVars: [secret] is not allowed; it must be a JSON object of UPPER_SNAKE_CASE names to string values",
    ]);
  });

  it("a certificate that does not cover a hostname, naming the key", async () => {
    const other = await wildcardCertificate({ names: ["*.example.com"] });
    const problems = await prodProblems(
      {},
      {
        secrets: {
          "gyana:tlsCertificate": other.certificateChain,
          "gyana:tlsPrivateKey": other.privateKey,
        },
      },
    );
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.startsWith("gyana:tlsCertificate"))).toBe(true);
    expect(problems.join("\n")).toContain("app.gyana.com");
    expect(problems.join("\n")).not.toContain("PRIVATE KEY");
  });

  it("adopting the live app without its SECRET_KEY and HASHIDS_SALT", async () => {
    const problems = await prodProblems(
      { "gyana:imports": { herokuApp: "gyana-beta" } },
      { secrets: { "gyana:secretKey": undefined, "gyana:hashidsSalt": undefined } },
    );
    expect(problems).toEqual([
      "gyana:secretKey: missing; adopting an existing app (gyana:imports.herokuApp) needs the live value, or a generated one would replace it; set it with `pulumi config set --secret gyana:secretKey`",
      "gyana:hashidsSalt: missing; adopting an existing app (gyana:imports.herokuApp) needs the live value, or a generated one would replace it; set it with `pulumi config set --secret gyana:hashidsSalt`",
    ]);
  });

  it("a missing structured key and a missing field, each with what it must be", async () => {
    const file = await prodWith({
      "gyana:google": { ...prodGoogle(), serviceAccountId: undefined },
    });
    delete file.config["gyana:heroku"];
    expect(problemsOf(() => loadStackConfig(configSourceOf(file), "prod"))).toEqual([
      "gyana:heroku: missing; it must be a mapping of fields (docs/config.md lists them)",
      "gyana:google.serviceAccountId: missing; it must be a service account id: 6-30 lower-case letters, digits and dashes",
    ]);
  });

  it("a value of the wrong type", async () => {
    expect(
      await prodProblems({ "gyana:google": { ...prodGoogle(), developers: "jane@gyana.co.uk" } }),
    ).toEqual(['gyana:google.developers: "jane@gyana.co.uk" is not allowed; it must be a list']);
  });

  it("adopting a domain that the stack does not declare", async () => {
    expect(await prodProblems({ "gyana:imports": { domains: ["bata.gyana.com"] } })).toEqual([
      'gyana:imports.domains[0]: "bata.gyana.com" is not allowed; it must be one of gyana:domains.hostnames (app.gyana.com, beta.gyana.com)',
    ]);
  });

  it("an extra plain config var that the stack sets from its real source", async () => {
    expect(
      await prodProblems({ "gyana:configVars": { ENGINE_URL: "bigquery://x", REDIS_URL: "x" } }),
    ).toEqual([
      "gyana:configVars.REDIS_URL: is not allowed; the stack sets REDIS_URL from its real source (or an add-on owns it)",
    ]);
  });

  it("an extra secret config var that would override SECRET_KEY or a plain var, without its value", async () => {
    const problems = await prodProblems(
      {},
      {
        secrets: {
          "gyana:secretConfigVars": JSON.stringify({ SECRET_KEY: "hijack", ENGINE_URL: "x" }),
        },
      },
    );
    expect(problems).toEqual([
      "gyana:secretConfigVars: sets SECRET_KEY, which is not allowed; the stack already sets it (from its real source, gyana:configVars or an add-on)",
      "gyana:secretConfigVars: sets ENGINE_URL, which is not allowed; the stack already sets it (from its real source, gyana:configVars or an add-on)",
    ]);
    expect(problems.join("\n")).not.toContain("hijack");
  });

  it("more than one Celery beat, which would fire every periodic task twice", async () => {
    const formation = {
      ...(prodHeroku()["formation"] as object),
      beat: { quantity: 2, size: "standard-1x" },
    };
    expect(await prodProblems({ "gyana:heroku": { ...prodHeroku(), formation } })).toEqual([
      "gyana:heroku.formation.beat.quantity: 2 is not allowed; it must be 0 or 1 (each Celery beat fires every periodic task)",
    ]);
  });

  it("leaves maintenance mode unmanaged unless the stack sets it", async () => {
    const config = loadStackConfig(configSourceOf(await prodWith()), "prod");
    expect(config.heroku.maintenance).toBeUndefined();
    const managed = loadStackConfig(
      configSourceOf(await prodWith({ "gyana:heroku": { ...prodHeroku(), maintenance: true } })),
      "prod",
    );
    expect(managed.heroku.maintenance).toBe(true);
  });

  it("a real up of a stack that still has placeholders, listing each one", async () => {
    const file = readStackFile("staging", { secrets: await testSecrets() });
    expect(
      problemsOf(() =>
        loadStackConfig(configSourceOf(file), "staging", { refusePlaceholders: true }),
      ),
    ).toEqual([
      "gcp:project = gyana-release-change-me: is a placeholder; set the real value before deploying (a preview only warns)",
      "gyana:google.developers[0] = developer-change-me@gyana.co.uk: is a placeholder; set the real value before deploying (a preview only warns)",
      "gyana:google.bucket.name = gyana-release-change-me: is a placeholder; set the real value before deploying (a preview only warns)",
      "gyana:configVars.ENGINE_URL = bigquery://gyana-release-change-me: is a placeholder; set the real value before deploying (a preview only warns)",
    ]);
  });

  it("lists every problem at once", async () => {
    const problems = await prodProblems(
      {
        "gcp:project": "X",
        "gyana:heroku": { ...prodHeroku(), region: "us" },
        "gyana:externalUrl": "ftp://x",
      },
      { secrets: { "gyana:sendgridApiKey": undefined } },
    );
    expect(problems.map((p) => p.split(":").slice(0, 2).join(":"))).toEqual([
      "gcp:project",
      "gyana:externalUrl",
      "gyana:heroku.region",
      "gyana:sendgridApiKey",
    ]);
  });

  it("the error message names the stack and counts the problems", async () => {
    const file = await prodWith({ "gyana:heroku": { ...prodHeroku(), region: "us" } });
    expect(() => loadStackConfig(configSourceOf(file), "prod")).toThrow(
      'Stack "prod" has 1 config problem(s):\n  - gyana:heroku.region: "us" is not allowed; it must be one of: eu',
    );
  });
});
