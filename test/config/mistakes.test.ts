// Config mistakes an operator makes, each refused (or warned about) before any resource with a
// message naming the key, what is wrong and what is allowed.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, loadStackConfig } from "../../config/load";
import { SECRET_STAND_IN, withOfflineStandIns } from "../../config/offlineStandIns";
import { pulumiConfigSource } from "../../config/pulumiSource";
import { closestMatch } from "../../config/suggest";
import { configSourceOf, readStackFile, type StackFile } from "../../tools/stackFile";
import { testSecrets } from "../support/stack";

const LIVE_SECRET_KEY = "live-django-secret-key-".padEnd(60, "k");
const LIVE_SALT = "live-hashids-salt-0123456789abcd";

async function stackWith(
  stack: string,
  overrides: Record<string, unknown> = {},
  secrets: Record<string, string | undefined> = {},
): Promise<StackFile> {
  const given: Record<string, string | undefined> = {
    ...(await testSecrets()),
    ...(stack === "prod"
      ? { "gyana:secretKey": LIVE_SECRET_KEY, "gyana:hashidsSalt": LIVE_SALT }
      : {}),
    ...secrets,
  };
  for (const [key, value] of Object.entries(given)) if (value === undefined) delete given[key];
  return readStackFile(stack, {
    secrets: given as Record<string, string>,
    standInMissingSecrets: false,
    overrides: Object.fromEntries(
      Object.entries(overrides).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
    ),
  });
}

function problemsOf(file: StackFile, stack = file.stack): string[] {
  try {
    loadStackConfig(configSourceOf(file), stack);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

const problems = async (
  stack: string,
  overrides: Record<string, unknown> = {},
  secrets: Record<string, string | undefined> = {},
) => problemsOf(await stackWith(stack, overrides, secrets));

const structured = (stack: string, key: string) =>
  JSON.parse(readStackFile(stack).config[key] ?? "{}") as Record<string, unknown>;
const heroku = (stack = "prod") => structured(stack, "gyana:heroku");
const google = (stack = "prod") => structured(stack, "gyana:google");

describe("the environment and pipeline stage match the stack", () => {
  it("prod with environment staging is refused (release --from staging --to prod needs it)", async () => {
    expect(await problems("prod", { "gyana:environment": "staging" })).toEqual([
      'gyana:environment: "staging" is not allowed in stack "prod"; it must be "production" (dev → development, staging → staging, prod → production)',
    ]);
  });

  it("prod with pipeline stage staging is refused", async () => {
    const pipeline = { ...(heroku()["pipeline"] as object), stage: "staging" };
    expect(await problems("prod", { "gyana:heroku": { ...heroku(), pipeline } })).toEqual([
      'gyana:heroku.pipeline.stage: "staging" is not allowed in stack "prod"; it must be "production" (dev → development, staging → staging, prod → production; npm run release promotes by these stages)',
    ]);
  });

  it("staging claiming production is refused too", async () => {
    expect(await problems("staging", { "gyana:environment": "production" })).toContain(
      'gyana:environment: "production" is not allowed in stack "staging"; it must be "staging" (dev → development, staging → staging, prod → production)',
    );
  });
});

describe("process types are the app's Procfile's", () => {
  it("a misspelt process type is refused with the likely one, and the real one is missing", async () => {
    const { priority, ...formation } = heroku()["formation"] as Record<string, unknown>;
    const typo = { ...heroku(), formation: { ...formation, prority: priority } };
    expect(await problems("prod", { "gyana:heroku": typo })).toEqual([
      "gyana:heroku.formation.priority: missing; it must be a process: { quantity: <0 to 100>, size: <dyno size> }",
      'gyana:heroku.formation: unknown field "prority" (did you mean "priority"?); allowed: web, worker, priority, beat',
    ]);
  });
});

describe("externalUrl", () => {
  const refused = (url: string) =>
    `gyana:externalUrl: ${JSON.stringify(url)} is not allowed; it must be https:// followed by a lower-case host name and nothing else (no path, port, user or trailing slash), e.g. https://app.gyana.com`;

  it.each([
    "https://app.gyana.com/",
    "https://app.gyana.com@evil.example",
    "https://app.gyana.com/<script>",
    "https://app.gyana.com:8443",
    "https://App.gyana.com",
  ])("%s is refused", async (url) => {
    expect(await problems("prod", { "gyana:externalUrl": url })).toEqual([refused(url)]);
  });

  it("a 200 kB value is refused, shown shortened", async () => {
    const url = `https://${"a".repeat(200 * 1024)}.gyana.com`;
    const [problem] = await problems("prod", { "gyana:externalUrl": url });
    expect(problem).toMatch(
      /^gyana:externalUrl: "https:\/\/a{68}\.\.\. is not allowed; it must be https:\/\//,
    );
  });

  it("a host the stack does not serve is refused", async () => {
    expect(await problems("prod", { "gyana:externalUrl": "https://app.gyana.co" })).toEqual([
      'gyana:externalUrl: "https://app.gyana.co" is not allowed; it must name a host this stack serves: app.gyana.com, beta.gyana.com or the app\'s Heroku domain gyana-beta.herokuapp.com (gyana-beta-<id>.herokuapp.com for apps created since June 2023)',
    ]);
  });

  it("the app's Heroku domain, old or new style, is allowed", async () => {
    expect(
      await problems("dev", { "gyana:externalUrl": "https://gyana-dev.herokuapp.com" }),
    ).toEqual([]);
    expect(
      await problems("dev", {
        "gyana:externalUrl": "https://gyana-dev-0a1b2c3d4e5f.herokuapp.com",
      }),
    ).toEqual([]);
    expect(
      await problems("dev", { "gyana:externalUrl": "https://other-app.herokuapp.com" }),
    ).toHaveLength(1);
  });

  it("a missing one says what it must be, not 'must be a string'", async () => {
    const file = await stackWith("prod");
    delete file.config["gyana:externalUrl"];
    expect(problemsOf(file)).toEqual([
      "gyana:externalUrl: missing; it must be https:// followed by a lower-case host name and nothing else (no path, port, user or trailing slash), e.g. https://app.gyana.com",
    ]);
  });
});

describe("Heroku stacks", () => {
  it.each(["cedar-14", "heroku-18", "heroku-20"])(
    "%s, no longer supported, is refused",
    async (stack) => {
      expect(await problems("prod", { "gyana:heroku": { ...heroku(), stack } })).toEqual([
        `gyana:heroku.stack: "${stack}" is not allowed; it must be a stack Heroku still supports: heroku-22, heroku-24`,
      ]);
    },
  );
});

describe("SECRET_KEY", () => {
  it("production without gyana:secretKey is refused: a new one logs every user out", async () => {
    expect(await problems("prod", {}, { "gyana:secretKey": undefined })).toEqual([
      "gyana:secretKey: missing in production; set the live value with `pulumi config set --secret gyana:secretKey` (the live app's SECRET_KEY (keep it: sessions and encrypted fields derive from it); outside production, omit to generate one), or set gyana:generateSecretKey to true to generate a new one on purpose (that logs every user out and makes encrypted fields unreadable)",
    ]);
  });

  it("production may generate one when gyana:generateSecretKey says so", async () => {
    const file = await stackWith(
      "prod",
      { "gyana:generateSecretKey": true },
      { "gyana:secretKey": undefined },
    );
    const config = loadStackConfig(configSourceOf(file), "prod");
    expect(config.secrets.secretKey).toBeUndefined();
    expect(config.warnings).toEqual([]);
  });

  it("gyana:generateSecretKey beside a gyana:secretKey is refused", async () => {
    expect(await problems("prod", { "gyana:generateSecretKey": true })).toEqual([
      "gyana:generateSecretKey: true is not allowed while gyana:secretKey is set; remove one of them",
    ]);
  });

  it("outside production a generated one is a warning", async () => {
    const config = loadStackConfig(configSourceOf(await stackWith("staging")), "staging");
    expect(config.warnings).toContain(
      "gyana:secretKey: not set, so the stack generates a SECRET_KEY (kept in the state); set it to keep a known one",
    );
  });

  it("the offline plan of prod stands in for it and lists it as missing", () => {
    const file = readStackFile("prod");
    expect(file.missingSecrets).toContain("gyana:secretKey");
  });
});

describe("HASHIDS_SALT", () => {
  // Every hashid in a URL the app issued is decoded with HASHIDS_SALT: a new salt breaks every
  // link, bookmark and email, as a new SECRET_KEY logs every user out.
  it("production without gyana:hashidsSalt is refused, naming the key, the risk and the fix", async () => {
    expect(await problems("prod", {}, { "gyana:hashidsSalt": undefined })).toEqual([
      "gyana:hashidsSalt: missing in production; set the live value with `pulumi config set --secret gyana:hashidsSalt` (the live app's HASHIDS_SALT (keep it: every hashid URL the app issued depends on it); outside production, omit to generate one), or set gyana:generateHashidsSalt to true to generate a new one on purpose (that breaks every hashid URL the app ever issued: links, bookmarks and emails stop resolving)",
    ]);
  });

  it("production may generate one when gyana:generateHashidsSalt says so, and only that one", async () => {
    const file = await stackWith(
      "prod",
      { "gyana:generateHashidsSalt": true },
      { "gyana:hashidsSalt": undefined },
    );
    const config = loadStackConfig(configSourceOf(file), "prod");
    expect(config.secrets.hashidsSalt).toBeUndefined();
    expect(config.warnings).toEqual([]);
    // Generating SECRET_KEY on purpose does not say a new salt is intended.
    expect(
      await problems(
        "prod",
        { "gyana:generateSecretKey": true },
        { "gyana:secretKey": undefined, "gyana:hashidsSalt": undefined },
      ),
    ).toEqual([expect.stringMatching(/^gyana:hashidsSalt: missing in production; /)]);
  });

  it("gyana:generateHashidsSalt beside a gyana:hashidsSalt, or while adopting, is refused", async () => {
    expect(await problems("prod", { "gyana:generateHashidsSalt": true })).toEqual([
      "gyana:generateHashidsSalt: true is not allowed while gyana:hashidsSalt is set; remove one of them",
    ]);
    expect(
      await problems(
        "prod",
        { "gyana:generateHashidsSalt": true, "gyana:imports": { herokuApp: "gyana-beta" } },
        { "gyana:hashidsSalt": undefined },
      ),
    ).toEqual([
      "gyana:generateHashidsSalt: true is not allowed while adopting an existing app (gyana:imports.herokuApp); its live HASHIDS_SALT must be kept",
      "gyana:hashidsSalt: missing; adopting an existing app (gyana:imports.herokuApp) needs the live value, or a generated one would replace it; set it with `pulumi config set --secret gyana:hashidsSalt`",
    ]);
  });

  it("outside production a generated one is a warning", async () => {
    const config = loadStackConfig(configSourceOf(await stackWith("staging")), "staging");
    expect(config.warnings).toContain(
      "gyana:hashidsSalt: not set, so the stack generates a HASHIDS_SALT (kept in the state); set it to keep a known one",
    );
  });

  it("the offline plan of prod stands in for it and lists it as missing", () => {
    expect(readStackFile("prod").missingSecrets).toContain("gyana:hashidsSalt");
    expect(readStackFile("staging").missingSecrets).not.toContain("gyana:hashidsSalt");
  });
});

describe("the offline plan's secret stand-in", () => {
  it("is honoured only inside the offline plan: a real run checks a plain value equal to it", async () => {
    const file = await stackWith("prod", {}, { "gyana:secretKey": SECRET_STAND_IN });
    pulumi.runtime.setAllConfig(file.config, file.secretKeys);
    try {
      const real = () => loadStackConfig(pulumiConfigSource(), "prod");
      expect(() => real()).toThrow(
        "gyana:secretKey: [secret] is not allowed; it must be at least 50 characters long",
      );
      await withOfflineStandIns(["gyana:secretKey"], async () => {
        expect(() => real()).not.toThrow();
      });
      expect(() => real()).toThrow(ConfigError);
    } finally {
      pulumi.runtime.setAllConfig({});
    }
  });
});

describe("values that would give two resources one name", () => {
  it("the same developer twice, in another case", async () => {
    const developers = ["jane@gyana.co.uk", "Jane@gyana.co.uk"];
    expect(await problems("prod", { "gyana:google": { ...google(), developers } })).toEqual([
      'gyana:google.developers[1]: "Jane@gyana.co.uk" is not allowed; it must not repeat gyana:google.developers[0] ("jane@gyana.co.uk"): emails are compared ignoring case and punctuation, as their resource names are',
    ]);
  });

  it("two developers whose names differ only by punctuation", async () => {
    const developers = ["jane.doe@gyana.co.uk", "jane-doe@gyana.co.uk"];
    expect(await problems("prod", { "gyana:google": { ...google(), developers } })).toHaveLength(1);
  });

  it("the same API twice", async () => {
    const apis = ["sheets.googleapis.com", "drive.googleapis.com", "sheets.googleapis.com"];
    expect(await problems("prod", { "gyana:google": { ...google(), apis } })).toEqual([
      'gyana:google.apis[2]: "sheets.googleapis.com" is not allowed; it must not repeat gyana:google.apis[0] ("sheets.googleapis.com"): each API is enabled once',
    ]);
  });

  it("two host names that slug alike", async () => {
    const domains = { zone: "gyana.com", hostnames: ["a-b.gyana.com", "a.b.gyana.com"] };
    expect(
      await problems("prod", {
        "gyana:domains": domains,
        "gyana:externalUrl": "https://a-b.gyana.com",
      }),
    ).toContain(
      'gyana:domains.hostnames[1]: "a.b.gyana.com" is not allowed; it must not repeat gyana:domains.hostnames[0] ("a-b.gyana.com"): host names are compared with dots and dashes alike, as their resource names are',
    );
  });

  it("the same service account key id twice", async () => {
    const serviceAccountKeys = ["initial", "initial"];
    expect(await problems("prod", { "gyana:google": { ...google(), serviceAccountKeys } })).toEqual(
      [
        'gyana:google.serviceAccountKeys[1]: "initial" is not allowed; it must not repeat gyana:google.serviceAccountKeys[0] ("initial"): each key id names one key',
      ],
    );
  });
});

describe("developers", () => {
  it("an address outside the configured domains is refused", async () => {
    const developers = ["jane@gyana.co.uk", "eve@evil.example"];
    expect(await problems("prod", { "gyana:google": { ...google(), developers } })).toEqual([
      'gyana:google.developers[1]: "eve@evil.example" is not allowed; it must be an address at one of gyana:google.developerDomains (gyana.co.uk): developers get Editor and KMS admin',
    ]);
  });

  it("the domains must be listed", async () => {
    const { developerDomains: _, ...rest } = google();
    expect(await problems("prod", { "gyana:google": rest })).toEqual([
      "gyana:google.developerDomains: missing; it must be a list",
    ]);
  });
});

describe("CORS origins and bounded values", () => {
  const withOrigins = (stack: string, corsOrigins: string[]) => ({
    "gyana:google": {
      ...google(stack),
      bucket: { ...(google(stack)["bucket"] as object), corsOrigins },
    },
  });

  it("an http:// origin is refused in production", async () => {
    expect(await problems("prod", withOrigins("prod", ["http://beta.gyana.com"]))).toEqual([
      'gyana:google.bucket.corsOrigins[0]: "http://beta.gyana.com" is not allowed in production; it must be an https:// origin',
    ]);
  });

  it("an http:// origin is allowed in development (a local server)", async () => {
    expect(await problems("dev", withOrigins("dev", ["http://gyana-dev.test:8000"]))).toEqual([]);
  });

  it("a config var value over Heroku's 32 kB is refused", async () => {
    const configVars = { ENGINE_URL: "bigquery://gyana-app-314217", BIG: "x".repeat(33 * 1024) };
    const [problem] = await problems("prod", { "gyana:configVars": configVars });
    expect(problem).toMatch(
      /^gyana:configVars\.BIG: "x{76}\.\.\. is not allowed; it must be at most 32 kB \(Heroku's limit for all config vars\)$/,
    );
  });

  it("config vars over Heroku's 32 kB together are refused", async () => {
    const configVars = {
      ENGINE_URL: "bigquery://gyana-app-314217",
      HALF_A: "x".repeat(17 * 1024),
      HALF_B: "x".repeat(17 * 1024),
    };
    expect(await problems("prod", { "gyana:configVars": configVars })).toEqual([
      "gyana:configVars: 34865 bytes of names and values is not allowed; it must be at most 32 kB together (Heroku's limit for all config vars)",
    ]);
  });

  it("an import id with markup is refused", async () => {
    expect(await problems("prod", { "gyana:imports": { bucket: "<b>gyana-app" } })).toEqual([
      'gyana:imports.bucket: "<b>gyana-app" is not allowed; it must be the id of an existing resource: up to 255 letters, digits and . _ @ : / -',
    ]);
  });
});

describe("messages that used to mislead", () => {
  it("a bad config var name names the key, not 'Invalid key in record'", async () => {
    expect(
      await problems("prod", { "gyana:configVars": { ENGINE_URL: "bigquery://x", lower: "y" } }),
    ).toEqual([
      'gyana:configVars.lower: the name "lower" is not allowed; it must be a config var name in UPPER_SNAKE_CASE, at most 128 characters',
    ]);
  });

  it("protect: yes is reported once", async () => {
    expect(await problems("prod", { "gyana:protect": "yes" })).toEqual([
      'gyana:protect: "yes" is not allowed; it must be true or false',
    ]);
  });

  it("a top-level gyana:heroku.region says how to set the field with --path", async () => {
    expect(await problems("prod", { "gyana:heroku.region": "eu" })).toEqual([
      "gyana:heroku.region: not a known key; to set the field region inside gyana:heroku, run `pulumi config set --path 'gyana:heroku.region' <value>` (without --path the CLI makes this new top-level key), then remove this one with `pulumi config rm 'gyana:heroku.region'`",
    ]);
  });

  it("a misspelt key gets the nearest known one, beyond case differences", async () => {
    expect(await problems("prod", { "gyana:honeybadgr": { endpoint: "us" } })).toEqual([
      "gyana:honeybadgr: not a known key; did you mean gyana:honeybadger?",
    ]);
    expect(await problems("prod", { "gyana:nothinglikeit": "x" })).toEqual([
      "gyana:nothinglikeit: not a known key; the known keys are listed in docs/config.md",
    ]);
  });

  it("suggestions stay within a typo's reach", () => {
    expect(closestMatch("prority", ["web", "worker", "priority", "beat"])).toBe("priority");
    expect(closestMatch("wrker", ["web", "worker", "priority", "beat"])).toBe("worker");
    expect(closestMatch("scheduler", ["web", "worker", "priority", "beat"])).toBeUndefined();
  });
});

describe("the stack file itself", () => {
  const root = mkdtempSync(join(tmpdir(), "stack-file-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const write = (text: string) => writeFileSync(join(root, "Pulumi.prod.yaml"), text);
  const fileProblems = (): string[] => {
    try {
      readStackFile("prod", { root });
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    return [];
  };

  it("a YAML error names the file and the line", () => {
    write("config:\n  gyana:environment: production\n  gyana:heroku: { app: [\n");
    const [problem] = fileProblems();
    expect(problem).toMatch(/^Pulumi\.prod\.yaml: is not valid YAML: .* at line 4, column 1$/);
  });

  it("a misspelt config: section is one problem, not every key missing", () => {
    write("confg:\n  gyana:environment: production\n");
    expect(fileProblems()).toEqual([
      'Pulumi.prod.yaml: unknown top-level key "confg" (did you mean "config"?); allowed: config, secretsprovider, encryptedkey, encryptionsalt, environment',
    ]);
  });
});
