// The prod custom-domain chain run end to end: CustomDomain under the emulated engine
// (tools/emulatedUp.ts), every resource executed by its serialized provider against the Heroku and
// GoDaddy emulators. Shared by the chain tests and the benchmark.
import * as pulumi from "@pulumi/pulumi";
import { CustomDomain, type CustomDomainArgs } from "../../components/customDomain";
import { emulatedUp, type EngineState, type UpResult } from "../../tools/emulatedUp";
import { startGoDaddyEmulator, type GoDaddyEmulator } from "../emulator/godaddy";
import { startHerokuEmulator, type HerokuEmulator } from "../emulator/heroku";
import type { TestCertificate } from "./fixtures";

export const PROD_APP = "gyana-beta";
export const PROD_HOSTNAMES = ["app.gyana.com", "beta.gyana.com"];

export interface Emulators {
  heroku: HerokuEmulator;
  godaddy: GoDaddyEmulator;
  close(): Promise<void>;
}

/** Both emulators, with the prod app and the gyana.com zone, and the environment pointing at them. */
export async function startEmulators(): Promise<Emulators> {
  const [heroku, godaddy] = await Promise.all([
    // Shared servers: one environment, so one dynamic provider host, for every test.
    startHerokuEmulator({ shared: true }),
    startGoDaddyEmulator({
      zones: { "gyana.com": [{ type: "A", name: "@", data: "192.0.2.10", ttl: 3600 }] },
      shared: true,
    }),
  ]);
  heroku.state.createApp({ name: PROD_APP, region: "eu" });
  // A new domain's DNS target comes a poll or two after its create: wait briefly between polls
  // (the e2e tests' intervals, so both run in the same dynamic provider host).
  process.env["HEROKU_POLL_INTERVAL_MS"] = "20";
  process.env["HEROKU_POLL_MAX_INTERVAL_MS"] = "50";
  process.env["HEROKU_API_URL"] = heroku.url;
  process.env["HEROKU_API_KEY"] = heroku.token;
  process.env["GODADDY_API_URL"] = godaddy.url;
  process.env["GODADDY_API_KEY"] = godaddy.key;
  process.env["GODADDY_API_SECRET"] = godaddy.secret;
  return {
    heroku,
    godaddy,
    close: async () => {
      await Promise.all([heroku.close(), godaddy.close()]);
    },
  };
}

export interface ChainRun {
  certificate: TestCertificate;
  state?: EngineState;
  refresh?: boolean;
  args?: Partial<CustomDomainArgs>;
}

/** One emulated `pulumi up` of the prod CustomDomain. */
export function upCustomDomain(run: ChainRun): Promise<UpResult> {
  return emulatedUp({
    stack: "prod",
    config: {},
    secretKeys: [],
    state: run.state,
    refresh: run.refresh,
    program: () => {
      const domain = new CustomDomain("domain", {
        app: PROD_APP,
        hostnames: PROD_HOSTNAMES,
        zone: "gyana.com",
        dns: "godaddy",
        certificateChain: pulumi.secret(run.certificate.certificateChain),
        privateKey: pulumi.secret(run.certificate.privateKey),
        protect: false,
        ...run.args,
      });
      return {
        hostnames: domain.hostnames,
        dnsTargets: domain.dnsTargets,
        certificateExpiry: domain.certificateExpiry,
        manualDnsRecords: domain.manualDnsRecords,
      };
    },
  });
}
