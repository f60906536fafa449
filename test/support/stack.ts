// Runs the real index.ts for a stack inside vitest, with known test values for every secret, so
// tests can assert both where each secret goes and that it never shows in plain text.
import { SECRET_KEYS } from "../../config/schema";
import { runStack, type RunStackOptions, type StackRun } from "../../tools/runStack";
import { placeholderOverrides, secretKeyRehearsal } from "../../tools/stackFile";
import { wildcardCertificate, type TestCertificate } from "./certificates";

let certificate: TestCertificate | undefined;

/** A value per secret key that is easy to search for in any output. */
export async function testSecrets(): Promise<Record<string, string>> {
  certificate ??= await wildcardCertificate();
  return {
    [SECRET_KEYS.hellonextSsoToken.key]: "test-hellonext-sso-token-7f3a",
    [SECRET_KEYS.honeybadgerApiKey.key]: "test-honeybadger-key-91c2",
    [SECRET_KEYS.honeycombApiKey.key]: "test-honeycomb-key-55d1",
    [SECRET_KEYS.segmentAnalyticsJsWriteKey.key]: "test-segment-js-key-0b7e",
    [SECRET_KEYS.segmentAnalyticsWriteKey.key]: "test-segment-py-key-3c9d",
    [SECRET_KEYS.sendgridApiKey.key]: "test-sendgrid-key-e4a8",
    [SECRET_KEYS.tlsCertificate.key]: certificate.certificateChain,
    [SECRET_KEYS.tlsPrivateKey.key]: certificate.privateKey,
  };
}

let programRuns = 0;

/**
 * Runs index.ts afresh inside vitest, as a module instance of its own (it reads the config when it
 * runs). Only index.ts is reloaded: the modules it imports keep no state between runs, and keeping
 * them keeps each dynamic provider object, so Pulumi serializes a provider's code once per test
 * process instead of once per run (see tools/runStack.ts, requireProgramFresh).
 */
export async function loadProgram(): Promise<Record<string, unknown>> {
  programRuns++;
  return (await import(/* @vite-ignore */ `../../index.ts?run=${programRuns}`)) as Record<
    string,
    unknown
  >;
}

export async function runTestStack(
  stack: string,
  options: RunStackOptions & { standInSecrets?: boolean } = {},
): Promise<StackRun> {
  const secrets = options.standInSecrets
    ? undefined
    : { ...(await testSecrets()), ...options.secrets };
  // A run as `pulumi up` refuses placeholders, as a real one does: rehearse with test values.
  // Production without a SECRET_KEY generates one on purpose, as a fresh production would.
  const overrides = {
    ...(options.preview === false ? placeholderOverrides(stack, "test") : {}),
    ...(secrets ? secretKeyRehearsal(stack, secrets) : {}),
    ...options.overrides,
  };
  return runStack(stack, {
    ...options,
    secrets,
    overrides,
    load: options.load ?? loadProgram,
  });
}
