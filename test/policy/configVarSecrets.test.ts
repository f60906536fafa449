import { describe, expect, it } from "vitest";
import { configVarSecretsSensitive } from "../../policy/configVarSecrets";
import { HEROKU_CONFIG_VARS } from "../../policy/resources";
import { UNKNOWN_STRING, violationsOf } from "./policyHarness";

const configVars = (vars: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: HEROKU_CONFIG_VARS,
  name: "prod-config",
  props: {
    app: "gyana-beta",
    vars,
    sensitiveVars: { SECRET_KEY: "s3cr3t", HEROKU_API_KEY: "k" },
    sensitiveVarNames: ["HEROKU_API_KEY", "SECRET_KEY"],
    __provider: "exports.handler = ...",
    ...extra,
  },
});

// The plain part of the runbook's production config vars (DEPLOYMENT.md).
const RUNBOOK_PLAIN_VARS = {
  DJANGO_SETTINGS_MODULE: "gyana.settings.heroku",
  ENVIRONMENT: "production",
  EXTERNAL_URL: "https://app.gyana.com",
  GCP_BQ_SVC_ACCOUNT: "gyana-app@gyana-app-314217.iam.gserviceaccount.com",
  GCP_PROJECT: "gyana-app-314217",
  GOOGLE_APPLICATION_CREDENTIALS: "google-credentials.json",
  GS_BUCKET_NAME: "gyana-app",
  HEROKU_APP: "gyana-beta",
  ENGINE_URL: "bigquery://gyana-app-314217",
};

const moveMessage = (name: string) =>
  `Config var ${name} of Heroku app "gyana-beta" looks like a secret but is a plain config var; in the stack config, remove it from gyana:configVars and add it to the JSON object in gyana:secretConfigVars (\`pulumi config set --secret gyana:secretConfigVars\`; docs/config.md), which is encrypted in the state and masked in previews.`;

describe("policy config-var-secrets-sensitive", () => {
  it("passes the runbook's plain vars, GOOGLE_APPLICATION_CREDENTIALS (a file path) included", async () => {
    expect(await violationsOf(configVarSecretsSensitive, configVars(RUNBOOK_PLAIN_VARS))).toEqual(
      [],
    );
  });

  it("rejects each of the runbook's secrets when it sits in the plain map, one message per var", async () => {
    const secrets = {
      GOOGLE_CREDENTIALS: "{}",
      HASHIDS_SALT: "x",
      HELLONEXT_SSO_TOKEN: "x",
      HEROKU_API_KEY: "x",
      HONEYBADGER_API_KEY: "x",
      HONEYCOMB_API_KEY: "x",
      SECRET_KEY: "x",
      SEGMENT_ANALYTICS_JS_WRITE_KEY: "x",
      SEGMENT_ANALYTICS_WRITE_KEY: "x",
      SENDGRID_API_KEY: "x",
    };
    expect(
      await violationsOf(
        configVarSecretsSensitive,
        configVars({ ...RUNBOOK_PLAIN_VARS, ...secrets }),
      ),
    ).toEqual(Object.keys(secrets).sort().map(moveMessage));
  });

  it("catches password, token and DSN names but not words that merely contain KEY", async () => {
    const messages = await violationsOf(
      configVarSecretsSensitive,
      configVars({
        DB_PASSWORD: "x",
        GITHUB_TOKEN: "x",
        SENTRY_DSN: "x",
        MONKEY_BUSINESS: "x",
        KEYBOARD_LAYOUT: "x",
      }),
    );
    expect(messages).toEqual([
      moveMessage("DB_PASSWORD"),
      moveMessage("GITHUB_TOKEN"),
      moveMessage("SENTRY_DSN"),
    ]);
  });

  it("catches credential words inside a name part and short ones on their own", async () => {
    const names = [
      "STRIPE_SECRETKEY",
      "PRIVATEKEY",
      "DB_PASS",
      "GITHUB_PAT",
      "AWS_ACCESSKEY",
      "OAUTH_CLIENT_SECRET",
      "SMTP_PASSWD",
      "APIKEY",
      "JWT_SIGNINGKEY",
    ];
    const messages = await violationsOf(
      configVarSecretsSensitive,
      configVars(Object.fromEntries(names.map((n) => [n, "x"]))),
    );
    expect(messages).toEqual([...names].sort().map(moveMessage));
  });

  it("rejects values shaped like credentials: URLs with a user or a key in the query, known token formats", async () => {
    const message = (name: string, reason: string) =>
      `Config var ${name} of Heroku app "gyana-beta" ${reason} but is a plain config var; in the stack config, remove it from gyana:configVars and add it to the JSON object in gyana:secretConfigVars (\`pulumi config set --secret gyana:secretConfigVars\`; docs/config.md), which is encrypted in the state and masked in previews.`;
    expect(
      await violationsOf(
        configVarSecretsSensitive,
        configVars({
          A_REPO: "https://ghp_abc123@github.com/gyana/gyana.git",
          B_HOOK: "https://api.honeybadger.io/v1/deploys?environment=prod&api_key=hbp_123",
          C_FEED: "https://example.com/feed?token=abc",
          D_STRIPE: "sk_live_51Habc",
          E_PEM: "-----BEGIN RSA PRIVATE KEY-----\nMIIE",
          F_GH: "github_pat_11ABC",
        }),
      ),
    ).toEqual([
      message("A_REPO", "holds a URL with a user (often a token) in it"),
      message("B_HOOK", "holds a URL whose query carries a credential (api_key=, token=, …)"),
      message("C_FEED", "holds a URL whose query carries a credential (api_key=, token=, …)"),
      message("D_STRIPE", "holds a value in a known credential format"),
      message("E_PEM", "holds a value in a known credential format"),
      message("F_GH", "holds a value in a known credential format"),
    ]);
  });

  it("rejects a URL with a password in it, such as REDIS_URL with ?ssl_cert_reqs=none", async () => {
    expect(
      await violationsOf(
        configVarSecretsSensitive,
        configVars({
          REDIS_URL:
            "rediss://:p4ss@ec2-1-2-3-4.eu-west-1.compute.amazonaws.com:6380?ssl_cert_reqs=none",
        }),
      ),
    ).toEqual([
      'Config var REDIS_URL of Heroku app "gyana-beta" holds a URL with a password in it but is a plain config var; in the stack config, remove it from gyana:configVars and add it to the JSON object in gyana:secretConfigVars (`pulumi config set --secret gyana:secretConfigVars`; docs/config.md), which is encrypted in the state and masked in previews.',
    ]);
  });

  it("never puts a value into a message", async () => {
    const messages = await violationsOf(
      configVarSecretsSensitive,
      configVars({ SECRET_KEY: "do-not-print-me", CACHE_URL: "redis://u:do-not-print-me@h:1" }),
    );
    expect(messages).toHaveLength(2);
    for (const message of messages) {
      expect(message).not.toContain("do-not-print-me");
    }
  });

  it("checks names even when values are unknown in preview, and skips the unknown values", async () => {
    expect(
      await violationsOf(
        configVarSecretsSensitive,
        configVars({ GCP_BQ_SVC_ACCOUNT: UNKNOWN_STRING, SECRET_KEY: UNKNOWN_STRING }),
      ),
    ).toEqual([moveMessage("SECRET_KEY")]);
  });

  it("accepts names allowed by policy config", async () => {
    expect(
      await violationsOf(configVarSecretsSensitive, {
        ...configVars({ SEGMENT_ANALYTICS_JS_WRITE_KEY: "public" }),
        config: { allowPlain: ["SEGMENT_ANALYTICS_JS_WRITE_KEY"] },
      }),
    ).toEqual([]);
  });

  it("does not look at sensitiveVars or at other resource types", async () => {
    expect(await violationsOf(configVarSecretsSensitive, configVars({}))).toEqual([]);
    expect(
      await violationsOf(configVarSecretsSensitive, {
        type: "pulumi-nodejs:dynamic/heroku:App",
        name: "app",
        props: { vars: { SECRET_KEY: "x" } },
      }),
    ).toEqual([]);
  });
});
