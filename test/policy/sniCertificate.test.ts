import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { generate } from "selfsigned";
import { HEROKU_SNI_ENDPOINT } from "../../policy/resources";
import {
  expiryProblem,
  sniCertificateNotExpiring,
  sniEndpointsNotExpiring,
} from "../../policy/sniCertificate";
import { UNKNOWN_STRING, stackViolationsOf, urnOf, violationsOf } from "./policyHarness";

const NOW = new Date("2026-11-25T12:00:00Z");
const DAY = 24 * 60 * 60 * 1000;

async function certificateExpiringOn(notAfterDate: Date): Promise<string> {
  const pems = await generate([{ name: "commonName", value: "*.gyana.com" }], {
    keySize: 2048,
    notBeforeDate: new Date(NOW.getTime() - 300 * DAY),
    notAfterDate,
  });
  return pems.cert;
}

const endpoint = (props: Record<string, unknown>, stack = "prod") => ({
  type: HEROKU_SNI_ENDPOINT,
  name: "prod-sni",
  props: { app: "gyana-beta", privateKey: "-----BEGIN PRIVATE KEY-----", ...props },
  stack,
});

let fresh: string;
let expiringSoon: string;
let expired: string;

beforeAll(async () => {
  [fresh, expiringSoon, expired] = await Promise.all([
    certificateExpiringOn(new Date(NOW.getTime() + 200 * DAY)),
    certificateExpiringOn(new Date("2026-12-05T12:00:00Z")),
    certificateExpiringOn(new Date("2026-11-01T12:00:00Z")),
  ]);
});

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(NOW);
});

afterEach(() => {
  vi.useRealTimers();
});

describe("policy sni-certificate-not-expiring (the chain an endpoint is given)", () => {
  it("passes a certificate valid for 200 more days", async () => {
    expect(
      await violationsOf(sniCertificateNotExpiring, endpoint({ certificateChain: fresh })),
    ).toEqual([]);
  });

  it("rejects a certificate that expires in 10 days, with the date and the days left", async () => {
    expect(
      await violationsOf(
        sniCertificateNotExpiring,
        endpoint({ certificateChain: `${expiringSoon}\n${fresh}` }),
      ),
    ).toEqual([
      'The certificate of SNI endpoint "prod-sni" (CN=*.gyana.com) expires on 2026-12-05, in 10 days; it must be valid for at least 30 days: upload a renewed certificate.',
    ]);
  });

  it("rejects a certificate that has already expired", async () => {
    expect(
      await violationsOf(sniCertificateNotExpiring, endpoint({ certificateChain: expired })),
    ).toEqual([
      'The certificate of SNI endpoint "prod-sni" (CN=*.gyana.com) expired on 2026-11-01; upload a renewed certificate.',
    ]);
  });

  it("rejects something that is not a PEM certificate", async () => {
    expect(
      await violationsOf(sniCertificateNotExpiring, endpoint({ certificateChain: "not a cert" })),
    ).toEqual([
      'The certificate of SNI endpoint "prod-sni" is not a PEM certificate chain, so its expiry cannot be checked.',
    ]);
  });

  it("honours a minDaysValid from policy config", async () => {
    expect(
      await violationsOf(sniCertificateNotExpiring, {
        ...endpoint({ certificateChain: expiringSoon }),
        config: { minDaysValid: 7 },
      }),
    ).toEqual([]);
  });

  it("leaves a chain still unknown in preview to the framework", async () => {
    await expect(
      violationsOf(sniCertificateNotExpiring, endpoint({ certificateChain: UNKNOWN_STRING })),
    ).rejects.toThrow("string value at .certificateChain can't be known during preview");
  });
});

describe("policy sni-endpoints-not-expiring (what Heroku reports, on the whole stack)", () => {
  it("passes endpoints whose expiresAt is far away and skips ones not created yet", async () => {
    expect(
      await stackViolationsOf(sniEndpointsNotExpiring, [
        endpoint({ expiresAt: "2027-06-01T00:00:00Z" }),
        { ...endpoint({ expiresAt: UNKNOWN_STRING }), name: "new-sni" },
        {
          type: "pulumi-nodejs:dynamic/heroku:App",
          name: "app",
          props: { expiresAt: "2020-01-01" },
        },
      ]),
    ).toEqual([]);
  });

  it("reports an endpoint whose certificate expires within 30 days, on that endpoint's URN", async () => {
    expect(
      await stackViolationsOf(sniEndpointsNotExpiring, [
        endpoint({ expiresAt: "2026-12-20T12:00:00Z" }),
      ]),
    ).toEqual([
      {
        message:
          'The certificate of SNI endpoint "prod-sni" expires on 2026-12-20, in 25 days; it must be valid for at least 30 days: upload a renewed certificate.',
        urn: urnOf("prod", HEROKU_SNI_ENDPOINT, "prod-sni"),
      },
    ]);
  });

  it("reports an expiresAt that is not a date", async () => {
    expect(
      await stackViolationsOf(sniEndpointsNotExpiring, [endpoint({ expiresAt: "soon" })]),
    ).toEqual([
      {
        message: 'SNI endpoint "prod-sni" reports expiresAt "soon", which is not a date.',
        urn: urnOf("prod", HEROKU_SNI_ENDPOINT, "prod-sni"),
      },
    ]);
  });
});

describe("expiryProblem", () => {
  it("counts whole days and says 1 day, not 1 days", () => {
    expect(expiryProblem("X", new Date(NOW.getTime() + 1.5 * DAY), NOW, 30)).toBe(
      "X expires on 2026-11-27, in 1 day; it must be valid for at least 30 days: upload a renewed certificate.",
    );
  });

  it("accepts exactly the minimum", () => {
    expect(expiryProblem("X", new Date(NOW.getTime() + 30 * DAY), NOW, 30)).toBeUndefined();
  });
});
