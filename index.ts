// The Gyana stack: the only place that reads config. It validates the whole stack config first
// (every problem listed at once, before any resource is declared), then builds the components.
import * as pulumi from "@pulumi/pulumi";
import { GcpProject } from "./components/gcpProject";
import { CustomDomain } from "./components/customDomain";
import { HerokuApp } from "./components/herokuApp";
import { SECRET_STAND_IN, loadStackConfig } from "./config/load";
import { pulumiConfigSource } from "./config/pulumiSource";

// A preview warns about `change-me` placeholders; a real `up` refuses them before declaring anything.
const config = loadStackConfig(pulumiConfigSource(), pulumi.getStack(), {
  refusePlaceholders: !pulumi.runtime.isDryRun(),
});
for (const placeholder of config.placeholders) {
  pulumi.log.warn(`placeholder still set: ${placeholder}; set the real value before deploying`);
}
for (const warning of config.warnings) pulumi.log.warn(warning);

const gcpProject = new GcpProject("gcp", {
  project: config.gcpProject,
  apis: config.google.apis,
  developers: config.google.developers,
  serviceAccountId: config.google.serviceAccountId,
  serviceAccountKeys: config.google.serviceAccountKeys,
  bucket: config.google.bucket,
  protect: config.protect,
  imports: { bucket: config.imports.bucket, serviceAccount: config.imports.serviceAccount },
});

const requiredSecret = (name: keyof typeof config.secrets): pulumi.Output<string> => {
  const value = config.secrets[name];
  // The config loader already refuses a stack without it; this only narrows the type.
  if (value === undefined) throw new Error(`gyana:${name} is missing`);
  return value;
};
const herokuApp = new HerokuApp("app", {
  name: config.heroku.app,
  region: config.heroku.region,
  stack: config.heroku.stack,
  ...(config.heroku.team !== undefined ? { team: config.heroku.team } : {}),
  ...(config.heroku.maintenance !== undefined ? { maintenance: config.heroku.maintenance } : {}),
  apiKeyConfigVar: config.heroku.apiKeyConfigVar,
  environment: config.environment,
  externalUrl: config.externalUrl,
  gcpProject: config.gcpProject,
  addons: {
    postgres: { plan: config.heroku.addons.postgres },
    redis: { plan: config.heroku.addons.redis },
  },
  formation: config.heroku.formation,
  pipeline: config.heroku.pipeline,
  serviceAccountEmail: gcpProject.serviceAccountEmail,
  googleCredentials: gcpProject.credentialsJson,
  bucketName: gcpProject.bucketName,
  redisTlsBuildpackUrl: gcpProject.redisTlsBuildpackUrl,
  secrets: {
    hellonextSsoToken: requiredSecret("hellonextSsoToken"),
    honeybadgerApiKey: requiredSecret("honeybadgerApiKey"),
    honeycombApiKey: requiredSecret("honeycombApiKey"),
    segmentAnalyticsJsWriteKey: requiredSecret("segmentAnalyticsJsWriteKey"),
    segmentAnalyticsWriteKey: requiredSecret("segmentAnalyticsWriteKey"),
    sendgridApiKey: requiredSecret("sendgridApiKey"),
  },
  ...(config.secrets.secretKey !== undefined ? { secretKey: config.secrets.secretKey } : {}),
  ...(config.secrets.hashidsSalt !== undefined ? { hashidsSalt: config.secrets.hashidsSalt } : {}),
  extraConfigVars: config.configVars,
  ...(config.secrets.secretConfigVars !== undefined
    ? {
        // The offline plan stands a placeholder in for the secret: it has no vars to parse.
        extraSecretConfigVars: config.secrets.secretConfigVars.apply((json) =>
          json === SECRET_STAND_IN ? {} : (JSON.parse(json) as Record<string, string>),
        ),
      }
    : {}),
  honeybadger: config.honeybadger,
  protect: config.protect,
  imports: {
    ...(config.imports.herokuApp !== undefined ? { app: config.imports.herokuApp } : {}),
    ...(config.imports.postgres !== undefined ? { postgres: config.imports.postgres } : {}),
    ...(config.imports.redis !== undefined ? { redis: config.imports.redis } : {}),
    ...(config.imports.herokuApiKeyAuthorization !== undefined
      ? { apiKeyAuthorization: config.imports.herokuApiKeyAuthorization }
      : {}),
  },
});

const { tlsCertificate, tlsPrivateKey } = config.secrets;
const customDomain =
  config.domains.hostnames.length > 0 && tlsCertificate && tlsPrivateKey
    ? new CustomDomain("domain", {
        app: herokuApp.appId,
        hostnames: config.domains.hostnames,
        zone: config.domains.zone,
        ttl: config.domains.ttl,
        dns: config.domains.dns,
        certificateChain: tlsCertificate,
        privateKey: tlsPrivateKey,
        protect: config.protect,
        adopt: {
          ...(config.imports.sniEndpoint !== undefined
            ? { sniEndpoint: config.imports.sniEndpoint }
            : {}),
          hostnames: config.imports.domains ?? [],
        },
      })
    : undefined;

export const environment = config.environment;
export const gcpProjectId = config.gcpProject;
export const serviceAccountEmail = gcpProject.serviceAccountEmail;
export const bucketName = gcpProject.bucketName;
export const herokuAppName = herokuApp.appName;
export const herokuWebUrl = herokuApp.webUrl;
export const herokuConfigVarNames = herokuApp.configVarNames;
export const herokuSensitiveConfigVarNames = herokuApp.sensitiveConfigVarNames;
export const customDomains = customDomain?.hostnames ?? [];
export const dnsTargets = customDomain?.dnsTargets ?? {};
export const certificateExpiry = customDomain?.certificateExpiry;
export const manualDnsRecords = customDomain?.manualDnsRecords ?? [];
