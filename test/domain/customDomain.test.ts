import { beforeAll, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { CustomDomain, type CustomDomainArgs } from "../../components/customDomain";
import { runUnderMocks, type RegisteredResource } from "../../tools/mockRuntime";
import { loadHostedProvider } from "../support/hostedProvider";
import { makeCertificate, type TestCertificate } from "./fixtures";

const SNI = "pulumi-nodejs:dynamic/heroku:SniEndpoint";
const DOMAIN = "pulumi-nodejs:dynamic/heroku:Domain";
const RECORD = "pulumi-nodejs:dynamic/godaddy:DnsRecord";

/** Heroku-like outputs: a DNS target per hostname, one endpoint id. */
function herokuLike(r: RegisteredResource) {
  const inputs = { ...r.inputs };
  delete inputs["__provider"];
  if (r.type === SNI) {
    return {
      id: "sni-1",
      state: {
        ...inputs,
        sniEndpointId: "sni-1",
        name: "tyrannosaurus-12345",
        expiresAt: "2027-06-30T00:00:00Z",
        certDomains: ["*.gyana.com", "gyana.com"],
        commonNames: ["*.gyana.com"],
      },
    };
  }
  if (r.type === DOMAIN) {
    const hostname = String(inputs["hostname"]);
    return {
      id: `dom-${hostname}`,
      state: {
        ...inputs,
        domainId: `dom-${hostname}`,
        cname: `${hostname.split(".")[0]}-target.herokudns.com`,
        status: "pending",
      },
    };
  }
  if (r.type === RECORD) return { id: `gyana.com/CNAME/${String(inputs["name"])}`, state: inputs };
  return { id: `${r.name}-id`, state: inputs };
}

let cert: TestCertificate;
let renewed: TestCertificate;

beforeAll(async () => {
  [cert, renewed] = await Promise.all([makeCertificate(), makeCertificate()]);
});

async function declare(overrides: Partial<CustomDomainArgs> = {}, c: TestCertificate = cert) {
  let component: CustomDomain | undefined;
  const run = await runUnderMocks({
    project: "gyana",
    stack: "prod",
    config: {},
    secretKeys: [],
    onResource: herokuLike,
    program: () => {
      component = new CustomDomain("domain", {
        app: "gyana-beta",
        hostnames: ["app.gyana.com", "beta.gyana.com"],
        zone: "gyana.com",
        dns: "godaddy",
        certificateChain: pulumi.secret(c.certificateChain),
        privateKey: pulumi.secret(c.privateKey),
        ...overrides,
      });
      return {
        hostnames: component.hostnames,
        dnsTargets: component.dnsTargets,
        certificateExpiry: component.certificateExpiry,
        manualDnsRecords: component.manualDnsRecords,
      };
    },
  });
  const byType = (type: string) => run.resources.filter((r) => r.type === type);
  return { ...run, byType, component };
}

function inputsWithoutProvider(r: RegisteredResource | undefined): Record<string, unknown> {
  const { __provider: _p, ...rest } = r?.inputs ?? {};
  return rest;
}

describe("CustomDomain for app.gyana.com and beta.gyana.com", () => {
  it("declares one SNI endpoint, two Heroku domains on it and two CNAMEs with TTL 600", async () => {
    const { byType, resources } = await declare();
    const component = resources.find((r) => r.type === "gyana:domain:CustomDomain");
    expect(component?.name).toBe("domain");

    const snis = byType(SNI);
    expect(snis.map((r) => r.name)).toEqual(["domain-cert"]);
    expect(inputsWithoutProvider(snis[0])).toMatchObject({
      app: "gyana-beta",
      certificateChain: cert.certificateChain,
      privateKey: cert.privateKey,
    });

    expect(byType(DOMAIN).map((r) => [r.name, inputsWithoutProvider(r)])).toEqual([
      [
        "domain-app-gyana-com",
        { app: "gyana-beta", hostname: "app.gyana.com", sniEndpoint: "sni-1" },
      ],
      [
        "domain-beta-gyana-com",
        { app: "gyana-beta", hostname: "beta.gyana.com", sniEndpoint: "sni-1" },
      ],
    ]);

    expect(byType(RECORD).map((r) => [r.name, inputsWithoutProvider(r)])).toEqual([
      [
        "domain-app-gyana-com-cname",
        {
          domain: "gyana.com",
          type: "CNAME",
          name: "app",
          data: "app-target.herokudns.com",
          ttl: 600,
        },
      ],
      [
        "domain-beta-gyana-com-cname",
        {
          domain: "gyana.com",
          type: "CNAME",
          name: "beta",
          data: "beta-target.herokudns.com",
          ttl: 600,
        },
      ],
    ]);
    for (const child of [...snis, ...byType(DOMAIN), ...byType(RECORD)]) {
      expect(child.parentUrn).toBe(component?.urn);
    }
  });

  it("keeps the certificate and key secret in what a preview shows", async () => {
    const { byType } = await declare();
    expect(byType(SNI)[0]?.maskedInputs).toMatchObject({
      certificateChain: "[secret]",
      privateKey: "[secret]",
    });
  });

  it("records each CNAME as depending on its Heroku domain, and each domain on the certificate", async () => {
    const { byType } = await declare();
    const sniUrn = byType(SNI)[0]?.urn;
    const [appDomain, betaDomain] = byType(DOMAIN);
    expect(appDomain?.dependencies).toContain(sniUrn);
    expect(byType(RECORD)[0]?.dependencies).toContain(appDomain?.urn);
    expect(byType(RECORD)[1]?.dependencies).toContain(betaDomain?.urn);
  });

  it("outputs the DNS targets and the certificate expiry, and no manual records", async () => {
    const { outputs } = await declare();
    expect(outputs).toEqual({
      hostnames: ["app.gyana.com", "beta.gyana.com"],
      dnsTargets: {
        "app.gyana.com": "app-target.herokudns.com",
        "beta.gyana.com": "beta-target.herokudns.com",
      },
      certificateExpiry: "2027-06-30T00:00:00Z",
      manualDnsRecords: [],
    });
  });

  it("with dns manual declares no GoDaddy record and outputs the exact records to create", async () => {
    const { byType, outputs } = await declare({ dns: "manual", ttl: 1800 });
    expect(byType(RECORD)).toEqual([]);
    expect(byType(DOMAIN)).toHaveLength(2);
    expect(outputs["manualDnsRecords"]).toEqual([
      {
        hostname: "app.gyana.com",
        type: "CNAME",
        host: "app",
        pointsTo: "app-target.herokudns.com",
        ttl: 1800,
      },
      {
        hostname: "beta.gyana.com",
        type: "CNAME",
        host: "beta",
        pointsTo: "beta-target.herokudns.com",
        ttl: 1800,
      },
    ]);
  });

  it("renews the certificate as an update of the SNI endpoint only", async () => {
    const before = await declare();
    const after = await declare({}, renewed);
    const oldSni = before.byType(SNI)[0];
    const newSni = after.byType(SNI)[0];
    if (!oldSni || !newSni) throw new Error("no SNI endpoint");
    const sniProvider = loadHostedProvider(String(newSni.inputs["__provider"]));
    const olds = herokuLike(oldSni).state;
    const news = (await sniProvider.check!(olds, inputsWithoutProvider(newSni))).inputs;
    expect(await sniProvider.diff!("sni-1", olds, news)).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });

    for (const type of [DOMAIN, RECORD]) {
      const pairs = before.byType(type).map((r, i) => [r, after.byType(type)[i]] as const);
      expect(pairs).toHaveLength(2);
      for (const [oldRes, newRes] of pairs) {
        const provider = loadHostedProvider(String(newRes?.inputs["__provider"]));
        const oldState = herokuLike(oldRes).state;
        const checked = (await provider.check!(oldState, inputsWithoutProvider(newRes))).inputs;
        expect(
          await provider.diff!(String(herokuLike(oldRes).id), oldState, checked),
        ).toMatchObject({
          changes: false,
          replaces: [],
        });
      }
    }
  });

  it("adding a hostname adds exactly one domain and one record", async () => {
    const two = await declare();
    const three = await declare({
      hostnames: ["app.gyana.com", "beta.gyana.com", "www.gyana.com"],
    });
    const names = (run: typeof two, type: string) => run.byType(type).map((r) => r.name);
    expect(names(three, DOMAIN)).toEqual([...names(two, DOMAIN), "domain-www-gyana-com"]);
    expect(names(three, RECORD)).toEqual([...names(two, RECORD), "domain-www-gyana-com-cname"]);
    expect(three.byType(SNI)).toHaveLength(1);
    expect(inputsWithoutProvider(three.byType(RECORD)[2])).toEqual({
      domain: "gyana.com",
      type: "CNAME",
      name: "www",
      data: "www-target.herokudns.com",
      ttl: 600,
    });
    for (const [i, r] of two.byType(RECORD).entries()) {
      expect(inputsWithoutProvider(three.byType(RECORD)[i])).toEqual(inputsWithoutProvider(r));
    }
  });

  it("protects and retains on delete every child when asked (production), neither otherwise", async () => {
    const { resources } = await declare({ protect: true });
    const children = resources.filter((r) => r.custom);
    expect(children).toHaveLength(5);
    expect(children.every((r) => r.protect)).toBe(true);
    // A removal of the prod stack leaves the domains, certificate and DNS records serving.
    expect(children.every((r) => r.retainOnDelete)).toBe(true);
    const plain = (await declare({ protect: false })).resources.filter((r) => r.custom);
    expect(plain.some((r) => r.protect || r.retainOnDelete)).toBe(false);
  });

  it("adopts the hand-made SNI endpoint and only the hostnames listed in adopt.hostnames", async () => {
    const { byType } = await declare({
      adopt: { sniEndpoint: "tyrannosaurus-12345", hostnames: ["beta.gyana.com"] },
    });
    expect(byType(SNI)[0]?.inputs["adopt"]).toBe("tyrannosaurus-12345");
    expect(byType(DOMAIN).map((r) => [r.inputs["hostname"], r.inputs["adopt"]])).toEqual([
      ["app.gyana.com", undefined],
      ["beta.gyana.com", true],
    ]);
    expect(byType(RECORD).map((r) => [r.inputs["name"], r.inputs["adopt"]])).toEqual([
      ["app", undefined],
      ["beta", true],
    ]);
  });

  it("refuses bad arguments with one message naming each argument", async () => {
    await expect(
      declare({
        hostnames: ["app.gyana.com", "gyana.com", "app.example.com", "app.gyana.com"],
        ttl: 300,
        dns: "cloudflare" as never,
        adopt: { hostnames: ["www.gyana.com"] },
      }),
    ).rejects.toThrow(
      "CustomDomain domain: `hostnames`: gyana.com is the zone apex, which cannot hold a CNAME record; serve a subdomain such as app.gyana.com; " +
        "`hostnames`: app.example.com is not inside `zone` gyana.com; " +
        "`hostnames` lists app.gyana.com twice; " +
        "`adopt.hostnames`: www.gyana.com is not one of `hostnames`; " +
        "`ttl` must be a whole number of seconds, at least 600 (GoDaddy's minimum); got 300; " +
        "`dns` must be one of godaddy, manual; got cloudflare",
    );
  });
});
