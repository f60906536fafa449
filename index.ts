// The Gyana stack: the only place that reads config. It validates the whole stack config first
// (every problem listed at once, before any resource is declared), then builds the components.
import * as pulumi from "@pulumi/pulumi";
import { GcpProject } from "./components/gcpProject";
import { loadStackConfig } from "./config/load";
import { pulumiConfigSource } from "./config/pulumiSource";

const config = loadStackConfig(pulumiConfigSource(), pulumi.getStack());
for (const placeholder of config.placeholders) {
  pulumi.log.warn(`placeholder still set: ${placeholder}; set the real value before deploying`);
}

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

// --- HerokuApp (issue 8) is declared here. ---

// --- CustomDomain (issue 5) is declared here. ---

export const environment = config.environment;
export const gcpProjectId = config.gcpProject;
export const serviceAccountEmail = gcpProject.serviceAccountEmail;
export const bucketName = gcpProject.bucketName;
