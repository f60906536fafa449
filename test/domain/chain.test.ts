import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { HerokuClient } from "../../providers/heroku/client";
import { changedSteps, emulatedDestroy } from "../../tools/emulatedUp";
import { makeCertificate, type TestCertificate } from "./fixtures";
import { PROD_APP, startEmulators, upCustomDomain, type Emulators } from "./chain";

let emus: Emulators;
let cert: TestCertificate;
let renewed: TestCertificate;

beforeAll(async () => {
  [cert, renewed] = await Promise.all([
    makeCertificate({ signedByCa: true }),
    makeCertificate({ signedByCa: true, notAfter: new Date(Date.UTC(2028, 11, 31)) }),
  ]);
});

beforeEach(async () => {
  emus = await startEmulators();
});

afterEach(async () => {
  expect(emus.heroku.violations).toEqual([]);
  expect(emus.godaddy.violations).toEqual([]);
  await emus.close();
});

const herokuApp = () => emus.heroku.state.app(PROD_APP);
const sortByName = <T extends { name: string }>(list: T[]): T[] =>
  [...list].sort((a, b) => a.name.localeCompare(b.name));
const cnames = () => (emus.godaddy.zones.get("gyana.com") ?? []).filter((r) => r.type === "CNAME");

describe("custom domain chain against the Heroku and GoDaddy emulators", () => {
  it("creates certificate → SNI endpoint → domains → CNAMEs pointing at each domain's DNS target", async () => {
    const up = await upCustomDomain({ certificate: cert });

    const snis = [...herokuApp().sniEndpoints.values()];
    expect(snis).toHaveLength(1);
    expect(snis[0]?.certificateChain).toBe(cert.certificateChain);

    const domains = [...herokuApp().domains.values()].filter((d) => d.kind === "custom");
    domains.sort((a, b) => a.hostname.localeCompare(b.hostname));
    expect(domains.map((d) => [d.hostname, d.sniEndpointId])).toEqual([
      ["app.gyana.com", snis[0]?.id],
      ["beta.gyana.com", snis[0]?.id],
    ]);
    const target = (hostname: string) => domains.find((d) => d.hostname === hostname)?.cname;

    expect(sortByName(cnames())).toEqual([
      { type: "CNAME", name: "app", data: target("app.gyana.com"), ttl: 600 },
      { type: "CNAME", name: "beta", data: target("beta.gyana.com"), ttl: 600 },
    ]);
    expect(emus.godaddy.zones.get("gyana.com")).toContainEqual({
      type: "A",
      name: "@",
      data: "192.0.2.10",
      ttl: 3600,
    });

    expect(up.outputs).toEqual({
      hostnames: ["app.gyana.com", "beta.gyana.com"],
      dnsTargets: {
        "app.gyana.com": target("app.gyana.com"),
        "beta.gyana.com": target("beta.gyana.com"),
      },
      certificateExpiry: snis[0]?.sslCert.expires_at,
      manualDnsRecords: [],
    });
    expect(up.maskedOutputs["certificateExpiry"]).not.toBe("[secret]");
    // Each new domain's DNS target comes after its create: two GETs each (domainCnamePolls 1).
    expect(emus.heroku.counts()).toEqual({
      "POST /apps/{app}/sni-endpoints": 1,
      "POST /apps/{app}/domains": 2,
      "GET /apps/{app}/domains/{domain}": 4,
    });
    expect(emus.godaddy.counts()).toEqual({ total: 4, GET: 2, PUT: 2 });
  });

  it("keeps the private key secret in state outputs", async () => {
    const up = await upCustomDomain({ certificate: cert });
    const sni = Object.values(up.state.resources).find((r) => r.type.endsWith(":SniEndpoint"));
    expect(sni?.secretKeys).toEqual(expect.arrayContaining(["certificateChain", "privateKey"]));
  });

  it("a second up with nothing changed makes no API call; a refresh costs one GET per resource", async () => {
    const first = await upCustomDomain({ certificate: cert });
    emus.heroku.resetCounts();
    emus.godaddy.requests.length = 0;
    const second = await upCustomDomain({ certificate: cert, state: first.state });
    expect(changedSteps(second.steps)).toEqual([]);
    expect(emus.heroku.requests).toEqual([]);
    expect(emus.godaddy.requests).toEqual([]);

    const refreshed = await upCustomDomain({
      certificate: cert,
      state: first.state,
      refresh: true,
    });
    expect(refreshed.refreshed).toEqual([]);
    expect(changedSteps(refreshed.steps)).toEqual([]);
    expect(emus.heroku.counts()).toEqual({
      "GET /apps/{app}/sni-endpoints/{sni_endpoint}": 1,
      "GET /apps/{app}/domains/{domain}": 2,
    });
    expect(emus.godaddy.counts()).toEqual({ total: 2, GET: 2 });
  });

  it("renewing the certificate updates the SNI endpoint in place and touches nothing else", async () => {
    const first = await upCustomDomain({ certificate: cert });
    const sniId = [...herokuApp().sniEndpoints.keys()][0];
    const recordsBefore = cnames();
    emus.heroku.resetCounts();
    emus.godaddy.requests.length = 0;

    const second = await upCustomDomain({ certificate: renewed, state: first.state });
    expect(changedSteps(second.steps).map((s) => [s.op, s.type, s.changes])).toEqual([
      ["update", "pulumi-nodejs:dynamic/heroku:SniEndpoint", ["certificateChain", "privateKey"]],
    ]);
    expect(emus.heroku.counts()).toEqual({ "PATCH /apps/{app}/sni-endpoints/{sni_endpoint}": 1 });
    expect(emus.godaddy.requests).toEqual([]);
    expect([...herokuApp().sniEndpoints.keys()]).toEqual([sniId]);
    expect(cnames()).toEqual(recordsBefore);
    expect(second.outputs["certificateExpiry"]).toBe("2028-12-31T00:00:00Z");
  });

  it("adding a hostname adds one Heroku domain and one CNAME", async () => {
    const first = await upCustomDomain({ certificate: cert });
    emus.heroku.resetCounts();
    emus.godaddy.requests.length = 0;
    const second = await upCustomDomain({
      certificate: cert,
      state: first.state,
      args: { hostnames: ["app.gyana.com", "beta.gyana.com", "www.gyana.com"] },
    });
    expect(changedSteps(second.steps).map((s) => [s.op, s.name])).toEqual([
      ["create", "domain-www-gyana-com"],
      ["create", "domain-www-gyana-com-cname"],
    ]);
    expect(emus.heroku.counts()).toEqual({
      "POST /apps/{app}/domains": 1,
      "GET /apps/{app}/domains/{domain}": 2,
    });
    expect(sortByName(cnames()).map((r) => r.name)).toEqual(["app", "beta", "www"]);
  });

  it("repairs a CNAME changed by hand on the next up with refresh", async () => {
    const first = await upCustomDomain({ certificate: cert });
    const beta = cnames().find((r) => r.name === "beta");
    const target = beta?.data;
    if (beta) beta.data = "old-target.herokudns.com";
    const second = await upCustomDomain({ certificate: cert, state: first.state, refresh: true });
    expect(second.refreshed.map((c) => c.keys)).toEqual([["data"]]);
    expect(changedSteps(second.steps).map((s) => [s.op, s.name, s.changes])).toEqual([
      ["update", "domain-beta-gyana-com-cname", ["data"]],
    ]);
    expect(cnames().find((r) => r.name === "beta")?.data).toBe(target);
  });

  it("destroy removes its records, domains and endpoint and nothing else", async () => {
    const first = await upCustomDomain({ certificate: cert });
    await emulatedDestroy({ state: first.state });
    expect(cnames()).toEqual([]);
    expect(emus.godaddy.zones.get("gyana.com")).toEqual([
      { type: "A", name: "@", data: "192.0.2.10", ttl: 3600 },
    ]);
    expect([...herokuApp().domains.values()].filter((d) => d.kind === "custom")).toEqual([]);
    expect(herokuApp().sniEndpoints.size).toBe(0);
  });

  it("takes over the hand-made prod setup: same endpoint, same app domain, beta repointed", async () => {
    const client = new HerokuClient({ token: emus.heroku.token, baseUrl: emus.heroku.url });
    const handSni = await client.post<{ id: string; name: string }>(
      `/apps/${PROD_APP}/sni-endpoints`,
      { certificate_chain: cert.certificateChain, private_key: cert.privateKey },
    );
    // Added by hand long ago: Heroku has assigned its DNS target since.
    const handMade = emus.heroku.state.createDomain(herokuApp(), "app.gyana.com", handSni.id);
    const handDomain = { id: handMade.id, cname: handMade.cname ?? "" };
    // The runbook pointed the GoDaddy host `beta` at app.gyana.com's DNS target.
    emus.godaddy.zones
      .get("gyana.com")
      ?.push({ type: "CNAME", name: "beta", data: handDomain.cname, ttl: 600 });

    const up = await upCustomDomain({
      certificate: renewed,
      args: {
        adopt: { sniEndpoint: handSni.name, hostnames: ["app.gyana.com", "beta.gyana.com"] },
      },
    });
    expect([...herokuApp().sniEndpoints.keys()]).toEqual([handSni.id]);
    expect(herokuApp().sniEndpoints.get(handSni.id)?.certificateChain).toBe(
      renewed.certificateChain,
    );
    const domains = [...herokuApp().domains.values()].filter((d) => d.kind === "custom");
    expect(domains.find((d) => d.hostname === "app.gyana.com")?.id).toBe(handDomain.id);
    const betaTarget = domains.find((d) => d.hostname === "beta.gyana.com")?.cname;
    expect(sortByName(cnames())).toEqual([
      { type: "CNAME", name: "app", data: handDomain.cname, ttl: 600 },
      { type: "CNAME", name: "beta", data: betaTarget, ttl: 600 },
    ]);
    expect(up.outputs["dnsTargets"]).toEqual({
      "app.gyana.com": handDomain.cname,
      "beta.gyana.com": betaTarget,
    });
  });

  it("without adopt, refuses to overwrite the hand-made beta record and says how to adopt it", async () => {
    emus.godaddy.zones
      .get("gyana.com")
      ?.push({ type: "CNAME", name: "beta", data: "old.herokudns.com", ttl: 600 });
    await expect(upCustomDomain({ certificate: cert })).rejects.toThrow(
      "GoDaddy already has a CNAME record for beta.gyana.com pointing to old.herokudns.com (TTL 600), which this stack did not create.",
    );
    expect(cnames().find((r) => r.name === "beta")?.data).toBe("old.herokudns.com");
  });

  it("stops at the CNAME with GoDaddy's access message when the account has no DNS API access", async () => {
    emus.godaddy.faults.accessDenied = true;
    await expect(upCustomDomain({ certificate: cert })).rejects.toThrow(
      /403 ACCESS_DENIED.*Set `dns: manual` in the stack's domain config \(gyana:domains\)/,
    );
    // The Heroku side is in place; with dns: manual the same state needs no GoDaddy call.
    expect([...herokuApp().domains.values()].filter((d) => d.kind === "custom")).toHaveLength(2);
  });

  it("with dns manual outputs the records to create and calls GoDaddy never", async () => {
    const up = await upCustomDomain({ certificate: cert, args: { dns: "manual" } });
    const target = (hostname: string) =>
      [...herokuApp().domains.values()].find((d) => d.hostname === hostname)?.cname;
    expect(up.outputs["manualDnsRecords"]).toEqual([
      {
        hostname: "app.gyana.com",
        type: "CNAME",
        host: "app",
        pointsTo: target("app.gyana.com"),
        ttl: 600,
      },
      {
        hostname: "beta.gyana.com",
        type: "CNAME",
        host: "beta",
        pointsTo: target("beta.gyana.com"),
        ttl: 600,
      },
    ]);
    expect(emus.godaddy.requests).toEqual([]);
  });
});
