import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type * as pulumi from "@pulumi/pulumi";
import { Domain } from "../../providers/heroku/domain";
import { SniEndpoint } from "../../providers/heroku/sniEndpoint";
import { declareAndLoad } from "../support/hostedProvider";
import { startHerokuEmulator, type HerokuEmulator } from "../emulator/heroku";
import { makeCertificate, type TestCertificate } from "./fixtures";

type Props = Record<string, unknown>;

let emu: HerokuEmulator;
let sniProvider: pulumi.dynamic.ResourceProvider;
let domainProvider: pulumi.dynamic.ResourceProvider;
let sniSerialized: string;
let sniMasked: Record<string, unknown>;
let cert: TestCertificate;
let renewed: TestCertificate;

beforeAll(async () => {
  [cert, renewed] = await Promise.all([
    makeCertificate({ signedByCa: true }),
    makeCertificate({ notAfter: new Date(Date.UTC(2028, 5, 30)) }),
  ]);
  const loaded = await declareAndLoad(() => {
    new SniEndpoint("cert", {
      app: "gyana-beta",
      certificateChain: cert.certificateChain,
      privateKey: cert.privateKey,
    });
    new Domain("app", { app: "gyana-beta", hostname: "app.gyana.com" });
  });
  const sni = loaded.get("cert");
  const domain = loaded.get("app");
  if (!sni || !domain) throw new Error("resources not registered");
  sniProvider = sni.provider;
  sniSerialized = sni.serialized;
  sniMasked = sni.resource.maskedInputs;
  domainProvider = domain.provider;
});

beforeEach(async () => {
  emu = await startHerokuEmulator();
  process.env["HEROKU_POLL_INTERVAL_MS"] = "5";
  process.env["HEROKU_POLL_MAX_INTERVAL_MS"] = "20";
  process.env["HEROKU_API_URL"] = emu.url;
  process.env["HEROKU_API_KEY"] = emu.token;
  emu.state.createApp({ name: "gyana-beta", region: "eu" });
});

afterEach(async () => {
  expect(emu.violations).toEqual([]);
  await emu.close();
});

const sniInputs = (c: TestCertificate = cert): Props => ({
  app: "gyana-beta",
  certificateChain: c.certificateChain,
  privateKey: c.privateKey,
});

async function check(provider: pulumi.dynamic.ResourceProvider, news: Props, olds: Props = {}) {
  const result = await provider.check!(olds, news);
  expect(result.failures ?? []).toEqual([]);
  return result.inputs as Props;
}

async function createSni(c: TestCertificate = cert) {
  return sniProvider.create(await check(sniProvider, sniInputs(c)));
}

const routes = () => emu.requests.map((r) => `${r.route} ${r.status}`);

describe("SniEndpoint, loaded from its serialized form", () => {
  it("keeps the certificate and key secret in the registration and out of the provider code", () => {
    expect(sniMasked).toMatchObject({ certificateChain: "[secret]", privateKey: "[secret]" });
    expect(sniSerialized).not.toContain("PRIVATE KEY-----\n");
  });

  it("uploads the chain and key with one POST and reports expiry and covered names", async () => {
    const { id, outs } = await createSni();
    expect(routes()).toEqual(["POST /apps/{app}/sni-endpoints 201"]);
    expect(emu.requests[0]?.body).toEqual({
      certificate_chain: cert.certificateChain,
      private_key: cert.privateKey,
    });
    expect(outs).toMatchObject({
      app: "gyana-beta",
      sniEndpointId: id,
      certDomains: ["*.gyana.com", "gyana.com"],
      commonNames: ["*.gyana.com"],
      privateKey: cert.privateKey,
    });
    expect(outs.name).toMatch(/^[a-z][a-z0-9-]{2,29}$/);
    expect(new Date(outs.expiresAt).getTime()).toBeGreaterThan(Date.now());
  });

  it("refuses input that is not PEM without echoing it", async () => {
    const result = await sniProvider.check!(
      {},
      { app: "gyana-beta", certificateChain: "oops-cert", privateKey: "oops-key" },
    );
    expect(result.failures).toEqual([
      {
        property: "certificateChain",
        reason: "`certificateChain` must be a PEM certificate chain",
      },
      { property: "privateKey", reason: "`privateKey` must be a PEM private key" },
    ]);
    expect(JSON.stringify(result.failures)).not.toContain("oops");
  });

  it("renews the certificate in place: the diff is an update and one PATCH keeps the endpoint", async () => {
    const { id, outs } = await createSni();
    const news = await check(sniProvider, sniInputs(renewed), outs);
    expect(await sniProvider.diff!(id, outs, news)).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    emu.resetCounts();
    const updated = await sniProvider.update!(id, outs, news);
    expect(routes()).toEqual(["PATCH /apps/{app}/sni-endpoints/{sni_endpoint} 200"]);
    expect(updated.outs).toMatchObject({
      sniEndpointId: id,
      name: outs.name,
      expiresAt: "2028-06-30T00:00:00Z",
      privateKey: renewed.privateKey,
    });
  });

  it("sees no change for the same certificate with other line endings", async () => {
    const { id, outs } = await createSni();
    const crlf = sniInputs();
    crlf["certificateChain"] = cert.certificateChain.replace(/\n/g, "\r\n");
    expect(await sniProvider.diff!(id, outs, crlf)).toMatchObject({ changes: false });
  });

  it("refreshes with one GET, keeps the unreadable key, and notices a certificate replaced by hand", async () => {
    const { id, outs } = await createSni();
    emu.resetCounts();
    const quiet = await sniProvider.read!(id, outs);
    expect(quiet.props).toEqual(outs);
    expect(routes()).toEqual(["GET /apps/{app}/sni-endpoints/{sni_endpoint} 200"]);

    const sni = emu.state.app("gyana-beta").sniEndpoints.get(id);
    if (sni) sni.certificateChain = renewed.certificateChain;
    const drifted = await sniProvider.read!(id, outs);
    expect(drifted.props).toMatchObject({
      certificateChain: renewed.certificateChain,
      privateKey: cert.privateKey,
    });
    expect(drifted).not.toHaveProperty("inputs");
    expect(await sniProvider.diff!(id, drifted.props as Props, sniInputs())).toMatchObject({
      changes: true,
      replaces: [],
    });
  });

  it("adopts a hand-made endpoint by name: one PATCH uploads the declared certificate, no second endpoint", async () => {
    const handMade = await createSni();
    emu.resetCounts();
    const { id, outs } = await sniProvider.create(
      await check(sniProvider, { ...sniInputs(renewed), adopt: handMade.outs.name }),
    );
    expect(id).toBe(handMade.id);
    expect(routes()).toEqual([
      "GET /apps/{app}/sni-endpoints/{sni_endpoint} 200",
      "PATCH /apps/{app}/sni-endpoints/{sni_endpoint} 200",
    ]);
    expect(outs).toMatchObject({ adopt: handMade.outs.name, expiresAt: "2028-06-30T00:00:00Z" });
    expect(emu.state.app("gyana-beta").sniEndpoints.size).toBe(1);
  });

  it("says which endpoint is missing when the one to adopt does not exist", async () => {
    await expect(
      sniProvider.create(await check(sniProvider, { ...sniInputs(), adopt: "no-such-cert" })),
    ).rejects.toThrow(
      "SniEndpoint `adopt`: app gyana-beta has no SNI endpoint no-such-cert (list them with `heroku certs -a gyana-beta`)",
    );
  });

  it("reads an endpoint deleted by hand as gone, and deleting it again is fine", async () => {
    const { id, outs } = await createSni();
    await sniProvider.delete!(id, outs);
    expect(await sniProvider.read!(id, outs)).toEqual({ id: "" });
    await expect(sniProvider.delete!(id, outs)).resolves.toBeUndefined();
  });
});

describe("Domain, loaded from its serialized form", () => {
  const domainInputs = (overrides: Props = {}): Props => ({
    app: "gyana-beta",
    hostname: "app.gyana.com",
    ...overrides,
  });

  it("sends sni_endpoint: null when no certificate is given (required since 2021)", async () => {
    const inputs = await check(domainProvider, domainInputs());
    expect(inputs["sniEndpoint"]).toBeNull();
    const { outs } = await domainProvider.create(inputs);
    expect(emu.requests[0]?.body).toEqual({ hostname: "app.gyana.com", sni_endpoint: null });
    expect(outs).toMatchObject({ hostname: "app.gyana.com", sniEndpoint: null, status: "pending" });
    expect(outs.cname).toMatch(/\.herokudns\.com$/);
  });

  it("attaches the SNI endpoint and waits for the DNS target, which Heroku gives after the create", async () => {
    const sni = await createSni();
    emu.resetCounts();
    const { id, outs } = await domainProvider.create(
      await check(domainProvider, domainInputs({ sniEndpoint: sni.id })),
    );
    // The create and the first GET answer cname: null (domainCnamePolls 1), the next one has it.
    expect(routes()).toEqual([
      "POST /apps/{app}/domains 201",
      "GET /apps/{app}/domains/{domain} 200",
      "GET /apps/{app}/domains/{domain} 200",
    ]);
    expect(outs).toMatchObject({ domainId: id, sniEndpoint: sni.id });
    const stored = emu.state.app("gyana-beta").domains.get(id);
    expect(stored?.sniEndpointId).toBe(sni.id);
    expect(outs.cname).toBe(stored?.cname);
  });

  it("gives up after its deadline when no DNS target comes, removes the domain it added and says so", async () => {
    const before = process.env["HEROKU_DOMAIN_TARGET_TIMEOUT_MS"];
    process.env["HEROKU_DOMAIN_TARGET_TIMEOUT_MS"] = "300";
    emu.state.options.domainCnamePolls = 1_000;
    try {
      await expect(
        domainProvider.create(await check(domainProvider, domainInputs())),
      ).rejects.toThrow(
        /timed out after \d+ s waiting for the DNS target \(cname\) of domain app\.gyana\.com.*it was removed again and no DNS record was written; run `pulumi up` again/s,
      );
    } finally {
      if (before === undefined) delete process.env["HEROKU_DOMAIN_TARGET_TIMEOUT_MS"];
      else process.env["HEROKU_DOMAIN_TARGET_TIMEOUT_MS"] = before;
    }
    const hostnames = [...emu.state.app("gyana-beta").domains.values()].map((d) => d.hostname);
    expect(hostnames).not.toContain("app.gyana.com");
    expect(emu.requests.at(-1)?.route).toBe("DELETE /apps/{app}/domains/{domain}");
  });

  it("refuses a hostname that is not fully qualified", async () => {
    const result = await domainProvider.check!({}, domainInputs({ hostname: "app" }));
    expect(result.failures).toEqual([
      {
        property: "hostname",
        reason: '`hostname` "app" must be a fully qualified hostname such as app.gyana.com',
      },
    ]);
  });

  it("diffs locally: a new hostname replaces, a new certificate updates in place", async () => {
    const olds = {
      ...domainInputs(),
      sniEndpoint: "a",
      domainId: "d",
      cname: "x",
      status: "pending",
    };
    expect(await domainProvider.diff!("d", olds, domainInputs({ sniEndpoint: "a" }))).toMatchObject(
      {
        changes: false,
      },
    );
    expect(await domainProvider.diff!("d", olds, domainInputs({ sniEndpoint: "b" }))).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    expect(
      await domainProvider.diff!(
        "d",
        olds,
        domainInputs({ hostname: "beta.gyana.com", sniEndpoint: "a" }),
      ),
    ).toMatchObject({ changes: true, replaces: ["hostname"] });
  });

  it("moves to another certificate with one PATCH, keeping the domain and its DNS target", async () => {
    const first = await createSni();
    const second = await createSni(renewed);
    const created = await domainProvider.create(
      await check(domainProvider, domainInputs({ sniEndpoint: first.id })),
    );
    emu.resetCounts();
    const news = await check(domainProvider, domainInputs({ sniEndpoint: second.outs.name }));
    const updated = await domainProvider.update!(created.id, created.outs, news);
    expect(routes()).toEqual(["PATCH /apps/{app}/domains/{domain} 200"]);
    expect(emu.requests[0]?.body).toEqual({ sni_endpoint: second.outs.name });
    expect(updated.outs).toMatchObject({
      domainId: created.id,
      cname: created.outs.cname,
      sniEndpoint: second.outs.name,
    });
  });

  it("refreshes with one GET and notices a certificate detached by hand", async () => {
    const sni = await createSni();
    const { id, outs } = await domainProvider.create(
      await check(domainProvider, domainInputs({ sniEndpoint: sni.id })),
    );
    emu.resetCounts();
    expect((await domainProvider.read!(id, outs)).props).toEqual(outs);
    const stored = emu.state.app("gyana-beta").domains.get(id);
    if (stored) stored.sniEndpointId = null;
    const drifted = await domainProvider.read!(id, outs);
    expect(drifted.props).toMatchObject({ sniEndpoint: null });
    expect(routes()).toEqual([
      "GET /apps/{app}/domains/{domain} 200",
      "GET /apps/{app}/domains/{domain} 200",
    ]);
    expect(
      await domainProvider.diff!(id, drifted.props as Props, domainInputs({ sniEndpoint: sni.id })),
    ).toMatchObject({ changes: true, replaces: [] });
  });

  it("refuses a hostname already on the app, saying how to adopt it", async () => {
    emu.state.createDomain(emu.state.app("gyana-beta"), "app.gyana.com", null);
    await expect(
      domainProvider.create(await check(domainProvider, domainInputs())),
    ).rejects.toThrow(
      "app.gyana.com is already a domain of app gyana-beta (added outside this stack). " +
        "To manage it here, set `adopt: true` on the domain (CustomDomain: list it in `adopt.hostnames`); " +
        "or remove it with `heroku domains:remove app.gyana.com -a gyana-beta` and run `pulumi up` again.",
    );
  });

  it("adopts a hand-made domain when told to, attaching the declared certificate", async () => {
    const existing = emu.state.createDomain(emu.state.app("gyana-beta"), "app.gyana.com", null);
    const sni = await createSni();
    const { id, outs } = await domainProvider.create(
      await check(domainProvider, domainInputs({ sniEndpoint: sni.id, adopt: true })),
    );
    expect(id).toBe(existing.id);
    expect(outs).toMatchObject({ cname: existing.cname, sniEndpoint: sni.id });
    expect(existing.sniEndpointId).toBe(sni.id);
  });

  it("deletes only its own domain, and a second delete (404) is fine", async () => {
    const other = emu.state.createDomain(emu.state.app("gyana-beta"), "www.gyana.com", null);
    const { id, outs } = await domainProvider.create(await check(domainProvider, domainInputs()));
    await domainProvider.delete!(id, outs);
    const left = [...emu.state.app("gyana-beta").domains.values()].map((d) => d.hostname);
    expect(left).toContain(other.hostname);
    expect(left).not.toContain("app.gyana.com");
    await expect(domainProvider.delete!(id, outs)).resolves.toBeUndefined();
  });

  it("reports a Heroku error with its status, id and path", async () => {
    await expect(
      domainProvider.create(await check(domainProvider, domainInputs({ app: "no-such-app" }))),
    ).rejects.toThrow(/^Heroku API POST \/apps\/no-such-app\/domains failed: 404 not_found/);
  });
});
