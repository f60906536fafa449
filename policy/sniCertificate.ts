// The custom domain's TLS certificate (the *.gyana.com wildcard, renewed by hand) must stay
// valid for at least 30 days after any deploy: a deploy is when someone is looking, and 30 days
// leaves time to buy, upload and roll out the next one. Two checks share the rule:
// - on the way in, the certificate chain an SniEndpoint is given (its inputs) is parsed, so a
//   preview refuses to upload a certificate that is about to expire;
// - on the stack, the `expiresAt` Heroku reports for each SniEndpoint (its outputs) is read, so
//   a certificate that has grown old since its upload stops the next preview of that stack.
import { X509Certificate } from "node:crypto";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { HEROKU_SNI_ENDPOINT, isUnknownValueError } from "./resources";

export const MIN_DAYS_VALID = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

const configSchema = {
  properties: { minDaysValid: { type: "integer" as const, minimum: 0, default: MIN_DAYS_VALID } },
};

/** The message for an expiry too close to now, or undefined when there is time enough. */
export function expiryProblem(
  subject: string,
  expiresAt: Date,
  now: Date,
  minDays: number,
): string | undefined {
  const remainingMs = expiresAt.getTime() - now.getTime();
  if (remainingMs >= minDays * DAY_MS) {
    return undefined;
  }
  const day = expiresAt.toISOString().slice(0, 10);
  if (remainingMs <= 0) {
    return `${subject} expired on ${day}; upload a renewed certificate.`;
  }
  const days = Math.floor(remainingMs / DAY_MS);
  return `${subject} expires on ${day}, in ${days} day${days === 1 ? "" : "s"}; it must be valid for at least ${minDays} days: upload a renewed certificate.`;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/;

export const sniCertificateNotExpiring: ResourceValidationPolicy = {
  name: "sni-certificate-not-expiring",
  description: `The TLS certificate given to a Heroku SNI endpoint is valid for at least ${MIN_DAYS_VALID} more days.`,
  enforcementLevel: "mandatory",
  configSchema,
  validateResource: (args, reportViolation) => {
    if (args.type !== HEROKU_SNI_ENDPOINT) {
      return;
    }
    // A secret input arrives here in clear (the framework unwraps secrets); an unknown one
    // throws, and the framework reports that this check could not run during the preview.
    const chain: unknown = args.props.certificateChain;
    if (typeof chain !== "string") {
      return;
    }
    const subject = `The certificate of SNI endpoint "${args.name}"`;
    const leaf = PEM_CERTIFICATE.exec(chain)?.[0];
    let certificate: X509Certificate | undefined;
    try {
      certificate = leaf === undefined ? undefined : new X509Certificate(leaf);
    } catch {
      certificate = undefined;
    }
    if (!certificate) {
      reportViolation(
        `${subject} is not a PEM certificate chain, so its expiry cannot be checked.`,
      );
      return;
    }
    const minDays = args.getConfig<{ minDaysValid?: number }>().minDaysValid ?? MIN_DAYS_VALID;
    const problem = expiryProblem(
      `${subject} (${certificate.subject.replace(/\n/g, ", ")})`,
      new Date(certificate.validTo),
      new Date(),
      minDays,
    );
    if (problem) {
      reportViolation(problem);
    }
  },
};

export const sniEndpointsNotExpiring: StackValidationPolicy = {
  name: "sni-endpoints-not-expiring",
  description: `Every Heroku SNI endpoint's certificate, as Heroku reports it, is valid for at least ${MIN_DAYS_VALID} more days.`,
  enforcementLevel: "mandatory",
  configSchema,
  validateStack: (args, reportViolation) => {
    const minDays = args.getConfig<{ minDaysValid?: number }>().minDaysValid ?? MIN_DAYS_VALID;
    const now = new Date();
    for (const resource of args.resources) {
      if (resource.type !== HEROKU_SNI_ENDPOINT) {
        continue;
      }
      let expiresAt: unknown;
      try {
        expiresAt = resource.props.expiresAt;
      } catch (error) {
        // Not created yet (a preview of a new or replaced endpoint): the input check covers it.
        if (isUnknownValueError(error)) {
          continue;
        }
        throw error;
      }
      if (typeof expiresAt !== "string") {
        continue;
      }
      const expiry = new Date(expiresAt);
      if (Number.isNaN(expiry.getTime())) {
        reportViolation(
          `SNI endpoint "${resource.name}" reports expiresAt ${JSON.stringify(expiresAt)}, which is not a date.`,
          resource.urn,
        );
        continue;
      }
      const problem = expiryProblem(
        `The certificate of SNI endpoint "${resource.name}"`,
        expiry,
        now,
        minDays,
      );
      if (problem) {
        reportViolation(problem, resource.urn);
      }
    }
  },
};
