// The emulated end-to-end `pulumi up` of the real program, per stack, against the Heroku and
// GoDaddy emulators: fresh up, the first deploy, an up that scales the formation, and a no-op up
// that must write nothing. `npm run e2e` (tools/e2e.ts) runs it; the tests share its set-up.
import { newId } from "../../test/emulator/heroku/ids";
import { startGoDaddyEmulator, type GoDaddyEmulator } from "../../test/emulator/godaddy";
import { startHerokuEmulator, type HerokuEmulator } from "../../test/emulator/heroku";
import { SECRET_KEYS } from "../../config/schema";
import { changedSteps, upStack, type EngineState, type UpResult } from "../emulatedUp";
import { requireProgramFresh } from "../runStack";
import { rehearsalOverrides } from "../stackFile";

export { requireProgramFresh };

/** Made-up values for every secret the program needs (the e2e never sees real ones). */
export async function e2eSecrets(): Promise<Record<string, string>> {
  const { wildcardCertificate } = await import("../../test/support/certificates");
  const certificate = await wildcardCertificate();
  const values: Record<string, string> = {};
  for (const [name, spec] of Object.entries(SECRET_KEYS)) {
    if (spec.required === "always") values[spec.key] = `e2e-${name}-value`;
  }
  values[SECRET_KEYS.tlsCertificate.key] = certificate.certificateChain;
  values[SECRET_KEYS.tlsPrivateKey.key] = certificate.privateKey;
  return values;
}

export interface E2eEnvironment {
  heroku: HerokuEmulator;
  godaddy: GoDaddyEmulator;
  close(): Promise<void>;
}

export async function startE2eEnvironment(
  options: Parameters<typeof startHerokuEmulator>[0] = {},
): Promise<E2eEnvironment> {
  // Shared emulator servers: every environment in a process has the same URLs and keys, so the
  // ups of consecutive tests and files run in one dynamic provider host.
  const heroku = await startHerokuEmulator({ ...options, shared: true });
  const godaddy = await startGoDaddyEmulator({ zones: { "gyana.com": [] }, shared: true });
  Object.assign(process.env, {
    HEROKU_API_URL: heroku.url,
    HEROKU_API_KEY: heroku.token,
    HEROKU_POLL_INTERVAL_MS: process.env["HEROKU_POLL_INTERVAL_MS"] ?? "20",
    HEROKU_POLL_MAX_INTERVAL_MS: process.env["HEROKU_POLL_MAX_INTERVAL_MS"] ?? "50",
    GODADDY_API_URL: godaddy.url,
    GODADDY_API_KEY: godaddy.key,
    GODADDY_API_SECRET: godaddy.secret,
  });
  return {
    heroku,
    godaddy,
    close: async () => {
      await heroku.close();
      await godaddy.close();
    },
  };
}

export function createPipeline(heroku: HerokuEmulator, name = "gyana"): void {
  // Straight into the emulator's state: the owning stack (prod) would have created it.
  const now = heroku.state.now();
  const id = newId();
  heroku.state.pipelines.set(id, { id, name, owner: null, createdAt: now, updatedAt: now });
}

/** Requests that could change something, as `METHOD route`. */
export function writesOf(heroku: HerokuEmulator): string[] {
  return heroku.requests.filter((r) => r.method !== "GET").map((r) => r.route);
}

/** Runs one stack's four ups; returns a line per up, throws on the first failure. */
export async function runE2eStack(stack: string): Promise<string[]> {
  const env = await startE2eEnvironment();
  const lines: string[] = [];
  try {
    const secrets = await e2eSecrets();
    if (stack !== "prod") createPipeline(env.heroku);
    const run = async (label: string, state: EngineState | undefined): Promise<UpResult> => {
      env.heroku.resetCounts();
      const started = Date.now();
      const result = await upStack(stack, {
        program: requireProgramFresh,
        secrets,
        overrides: rehearsalOverrides(stack, "e2e", secrets),
        ...(state ? { state } : {}),
      });
      const writes = writesOf(env.heroku);
      lines.push(
        `${stack} ${label}: ${changedSteps(result.steps).length} changed, ` +
          `${env.heroku.requests.length} Heroku requests (${writes.length} writes), ` +
          `${Date.now() - started} ms`,
      );
      return result;
    };
    const fresh = await run("fresh up", undefined);
    const appName = String(fresh.outputs["herokuAppName"]);
    env.heroku.state.deploy(appName, {
      processTypes: { web: "gunicorn", worker: "celery", priority: "celery", beat: "celery beat" },
    });
    const scaled = await run("up after first deploy", fresh.state);
    await run("no-op up", scaled.state);
    const noopWrites = writesOf(env.heroku);
    if (noopWrites.length > 0) throw new Error(`${stack}: no-op up wrote ${noopWrites.join(", ")}`);
    if (env.heroku.violations.length > 0) {
      throw new Error(`${stack}: schema violations:\n${env.heroku.violations.join("\n")}`);
    }
    return lines;
  } finally {
    await env.close();
  }
}
