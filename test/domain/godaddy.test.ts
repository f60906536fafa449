import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type * as pulumi from "@pulumi/pulumi";
import { DnsRecord } from "../../providers/godaddy/dnsRecord";
import { GoDaddyApiError, GoDaddyClient } from "../../providers/godaddy/client";
import { declareAndLoad } from "../support/hostedProvider";
import { startGoDaddyEmulator, type GoDaddyEmulator } from "../emulator/godaddy";

type Props = Record<string, unknown>;

let emulator: GoDaddyEmulator;
let provider: pulumi.dynamic.ResourceProvider;
let serialized: string;
let declared: Props;
const savedEnv = { ...process.env };

beforeAll(async () => {
  const loaded = await declareAndLoad(() => {
    new DnsRecord("beta", {
      domain: "gyana.com",
      type: "CNAME",
      name: "beta",
      data: "x.herokudns.com",
    });
  });
  const beta = loaded.get("beta");
  if (!beta) throw new Error("DnsRecord not registered");
  provider = beta.provider;
  serialized = beta.serialized;
  declared = beta.inputs;
});

beforeEach(async () => {
  emulator = await startGoDaddyEmulator({
    zones: {
      "gyana.com": [
        { type: "A", name: "@", data: "192.0.2.10", ttl: 3600 },
        { type: "CNAME", name: "www", data: "gyana.com", ttl: 3600 },
      ],
    },
  });
  process.env["GODADDY_API_URL"] = emulator.url;
  process.env["GODADDY_API_KEY"] = emulator.key;
  process.env["GODADDY_API_SECRET"] = emulator.secret;
});

afterEach(async () => {
  await emulator.close();
});

afterAll(() => {
  process.env = savedEnv;
});

const inputs = (overrides: Props = {}): Props => ({
  domain: "gyana.com",
  type: "CNAME",
  name: "beta",
  data: "beta-target.herokudns.com",
  ttl: 600,
  ...overrides,
});

async function checked(news: Props, olds: Props = {}): Promise<Props> {
  const result = await provider.check!(olds, news);
  expect(result.failures ?? []).toEqual([]);
  return result.inputs as Props;
}

function records(zone = "gyana.com") {
  return emulator.zones.get(zone) ?? [];
}

describe("DnsRecord, loaded from its serialized form", () => {
  it("serializes without capturing credentials or Node built-in modules", () => {
    expect(serialized).not.toContain("emulator-secret");
    expect(serialized).not.toMatch(/require\("node:/);
    expect(declared).toMatchObject({ domain: "gyana.com", type: "CNAME", name: "beta", ttl: 600 });
  });

  it("creates one CNAME record set with GET then PUT on /records/CNAME/beta", async () => {
    const result = await provider.create(await checked(inputs()));
    expect(result.id).toBe("gyana.com/CNAME/beta");
    expect(result.outs).toMatchObject({
      data: "beta-target.herokudns.com",
      ttl: 600,
      fqdn: "beta.gyana.com",
    });
    expect(records()).toContainEqual({
      type: "CNAME",
      name: "beta",
      data: "beta-target.herokudns.com",
      ttl: 600,
    });
    expect(emulator.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      "GET /v1/domains/gyana.com/records/CNAME/beta 200",
      "PUT /v1/domains/gyana.com/records/CNAME/beta 200",
    ]);
    expect(emulator.requests[1]?.body).toEqual([{ data: "beta-target.herokudns.com", ttl: 600 }]);
    expect(emulator.violations).toEqual([]);
  });

  it("normalises case and a trailing dot so the diff stays empty", async () => {
    const result = await checked(
      inputs({ domain: "Gyana.com.", name: "Beta", data: "Beta-Target.herokudns.com." }),
    );
    expect(result).toEqual(inputs());
  });

  it("refuses a TTL under 600 in check, before any API call", async () => {
    const result = await provider.check!({}, inputs({ ttl: 300 }));
    expect(result.failures).toEqual([
      {
        property: "ttl",
        reason:
          "`ttl` must be a whole number of seconds from 600 (GoDaddy's minimum) to 604800, got 300",
      },
    ]);
    expect(emulator.requests).toEqual([]);
  });

  it("refuses a fully qualified name, a CNAME at the apex and an unsupported type", async () => {
    const fqdn = await provider.check!({}, inputs({ name: "beta.gyana.com" }));
    expect(fqdn.failures).toEqual([
      {
        property: "name",
        reason: '`name` must be relative to the zone gyana.com, got "beta.gyana.com"',
      },
    ]);
    const apex = await provider.check!({}, inputs({ name: "@" }));
    expect(apex.failures).toEqual([
      { property: "name", reason: "`name` @ (the zone apex) cannot hold a CNAME record" },
    ]);
    const mx = await provider.check!({}, inputs({ type: "MX" }));
    expect(mx.failures).toEqual([
      { property: "type", reason: '`type` must be one of A, AAAA, CNAME, TXT, got "MX"' },
    ]);
  });

  it("accepts an unknown target during a preview", async () => {
    const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    const result = await provider.check!({}, inputs({ data: unknown }));
    expect(result.failures).toEqual([]);
    expect((result.inputs as Props)["data"]).toBe(unknown);
  });

  it("diffs locally: target and TTL update in place, zone, type or name replace", async () => {
    const olds = { ...inputs(), fqdn: "beta.gyana.com" };
    expect(await provider.diff!("gyana.com/CNAME/beta", olds, inputs())).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
    expect(
      await provider.diff!("id", olds, inputs({ data: "new.herokudns.com", ttl: 1200 })),
    ).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    expect(await provider.diff!("id", olds, inputs({ name: "app" }))).toMatchObject({
      changes: true,
      replaces: ["name"],
    });
    expect(
      await provider.diff!("id", olds, inputs({ domain: "gyana.io", type: "TXT" })),
    ).toMatchObject({
      replaces: ["domain", "type"],
    });
    expect(emulator.requests).toEqual([]);
  });

  it("reads with one GET and reports drift made by hand", async () => {
    const { id, outs } = await provider.create(await checked(inputs()));
    const record = records().find((r) => r.name === "beta");
    if (record) {
      record.data = "someone-else.example.com";
      record.ttl = 3600;
    }
    emulator.requests.length = 0;
    const read = await provider.read!(id, outs);
    expect(read.id).toBe("gyana.com/CNAME/beta");
    expect(read.props).toMatchObject({ data: "someone-else.example.com", ttl: 3600 });
    expect(emulator.requests.map((r) => r.method)).toEqual(["GET"]);
    // The next diff compares the drifted state with the declared inputs and repairs it.
    expect(await provider.diff!(id, read.props as Props, inputs())).toMatchObject({
      changes: true,
      replaces: [],
    });
  });

  it("reads a record deleted by hand as gone", async () => {
    const { id, outs } = await provider.create(await checked(inputs()));
    emulator.zones.set(
      "gyana.com",
      records().filter((r) => r.name !== "beta"),
    );
    expect(await provider.read!(id, outs)).toEqual({ id: "" });
  });

  it("updates the target and TTL with one PUT of its own record set", async () => {
    const { id, outs } = await provider.create(await checked(inputs()));
    emulator.requests.length = 0;
    const news = await checked(inputs({ data: "new-target.herokudns.com", ttl: 1800 }), outs);
    const result = await provider.update!(id, outs, news);
    expect(result.outs).toMatchObject({ data: "new-target.herokudns.com", ttl: 1800 });
    expect(emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "PUT /v1/domains/gyana.com/records/CNAME/beta",
    ]);
    expect(records().filter((r) => r.name === "beta")).toEqual([
      { type: "CNAME", name: "beta", data: "new-target.herokudns.com", ttl: 1800 },
    ]);
  });

  it("deletes only its own record set and leaves the rest of the zone alone", async () => {
    const { id, outs } = await provider.create(await checked(inputs()));
    await provider.delete!(id, outs);
    expect(records()).toEqual([
      { type: "A", name: "@", data: "192.0.2.10", ttl: 3600 },
      { type: "CNAME", name: "www", data: "gyana.com", ttl: 3600 },
    ]);
    expect(emulator.writes().map((r) => `${r.method} ${r.path}`)).toEqual([
      "PUT /v1/domains/gyana.com/records/CNAME/beta",
      "DELETE /v1/domains/gyana.com/records/CNAME/beta",
    ]);
    expect(emulator.violations).toEqual([]);
  });

  it("treats a record already deleted (404) as gone", async () => {
    const outs = { ...inputs(), fqdn: "beta.gyana.com" };
    await expect(provider.delete!("gyana.com/CNAME/beta", outs)).resolves.toBeUndefined();
    expect(emulator.requests.map((r) => r.status)).toEqual([404]);
  });

  it("refuses to take over a different record that already exists, saying how to adopt it", async () => {
    await expect(provider.create(await checked(inputs({ name: "www" })))).rejects.toThrow(
      "GoDaddy already has a CNAME record for www.gyana.com pointing to gyana.com (TTL 3600), which this stack did not create. " +
        "To manage it here, set `adopt: true` on the record (CustomDomain: list the hostname in `adopt.hostnames`), which points it to beta-target.herokudns.com; " +
        "or delete it in GoDaddy's DNS manager and run `pulumi up` again.",
    );
    expect(emulator.writes()).toEqual([]);
  });

  it("adopts an existing record when told to, pointing it at the new target", async () => {
    const result = await provider.create(await checked(inputs({ name: "www", adopt: true })));
    expect(result.id).toBe("gyana.com/CNAME/www");
    expect(records().filter((r) => r.name === "www")).toEqual([
      { type: "CNAME", name: "www", data: "beta-target.herokudns.com", ttl: 600 },
    ]);
  });

  it("takes an identical record as its own (a retried create) without writing", async () => {
    emulator.zones
      .get("gyana.com")
      ?.push({ type: "CNAME", name: "beta", data: "beta-target.herokudns.com", ttl: 600 });
    const result = await provider.create(await checked(inputs()));
    expect(result.id).toBe("gyana.com/CNAME/beta");
    expect(emulator.writes()).toEqual([]);
  });

  it("waits out a 429 for retryAfterSec and then succeeds", async () => {
    emulator.faults.tooManyRequests = 1;
    emulator.faults.retryAfterSec = 1;
    const started = Date.now();
    await provider.create(await checked(inputs()));
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(emulator.requests.map((r) => `${r.method} ${r.status}`)).toEqual([
      "GET 429",
      "GET 200",
      "PUT 200",
    ]);
  });

  it("throws a real Error from the hosted provider, so the engine prints its message", async () => {
    emulator.faults.accessDenied = true;
    const error = await provider.create(await checked(inputs())).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(String(error)).toMatch(/^GoDaddyApiError: GoDaddy API GET \/v1\/domains\/gyana.com/);
    expect(error).toMatchObject({ status: 403, code: "ACCESS_DENIED" });
  });

  it("explains GoDaddy's 2024 DNS API restriction on 403 ACCESS_DENIED", async () => {
    emulator.faults.accessDenied = true;
    await expect(provider.create(await checked(inputs()))).rejects.toThrow(
      "GoDaddy API GET /v1/domains/gyana.com/records/CNAME/beta failed: 403 ACCESS_DENIED: Authenticated user is not allowed access. " +
        "GoDaddy has limited DNS API access to accounts with 10 or more domains or a Discount Domain Club Premier plan since 2024. " +
        "Set `dns: manual` in the stack's domain config (gyana:domains) to manage the record by hand; " +
        'the stack then outputs the exact record to create ("manualDnsRecords").',
    );
  });

  it("reports an unknown zone with GoDaddy's code", async () => {
    await expect(provider.create(await checked(inputs({ domain: "gyana.io" })))).rejects.toThrow(
      "GoDaddy API GET /v1/domains/gyana.io/records/CNAME/beta failed: 404 UNKNOWN_DOMAIN: The given domain is not registered, or does not have a zone file",
    );
  });

  it("fails with a plain message when credentials are missing", async () => {
    delete process.env["GODADDY_API_SECRET"];
    await expect(provider.create(await checked(inputs()))).rejects.toThrow(
      /^GoDaddy credentials missing: set GODADDY_API_KEY and GODADDY_API_SECRET/,
    );
  });
});

describe("GoDaddyClient", () => {
  it("sends sso-key credentials and never puts them in an error", async () => {
    const client = new GoDaddyClient({
      key: emulator.key,
      secret: emulator.secret,
      baseUrl: emulator.url,
    });
    await client.replaceRecords("gyana.com", "TXT", "check", [{ data: "v=1", ttl: 600 }]);
    expect(await client.getRecords("gyana.com", "TXT", "check")).toEqual([
      { type: "TXT", name: "check", data: "v=1", ttl: 600 },
    ]);
    const wrong = new GoDaddyClient({ key: "k1", secret: "s3cr3t-value", baseUrl: emulator.url });
    const error = await wrong.getRecords("gyana.com", "TXT", "check").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GoDaddyApiError);
    expect(error).toMatchObject({ status: 401, code: "UNABLE_TO_AUTHENTICATE" });
    expect(JSON.stringify(error) + String(error) + JSON.stringify(wrong)).not.toContain(
      "s3cr3t-value",
    );
  });

  it("refuses a TTL under 600 with GoDaddy's 422 INVALID_BODY (the emulator enforces it too)", async () => {
    const client = new GoDaddyClient({
      key: emulator.key,
      secret: emulator.secret,
      baseUrl: emulator.url,
    });
    await expect(
      client.replaceRecords("gyana.com", "CNAME", "x", [{ data: "t.example.com", ttl: 300 }]),
    ).rejects.toMatchObject({ status: 422, code: "INVALID_BODY" });
  });

  it("gives up on a Retry-After longer than its limit instead of hanging", async () => {
    emulator.faults.tooManyRequests = 1;
    emulator.faults.retryAfterSec = 60;
    const client = new GoDaddyClient({
      key: emulator.key,
      secret: emulator.secret,
      baseUrl: emulator.url,
      maxDelayMs: 5_000,
    });
    await expect(client.getRecords("gyana.com", "CNAME", "www")).rejects.toMatchObject({
      status: 429,
      code: "TOO_MANY_REQUESTS",
      retryAfterSec: 60,
    });
  });

  it("gives up on a server that never answers after its per-attempt deadline and retries", async () => {
    let attempts = 0;
    const hanging: typeof fetch = (_url, init) => {
      attempts++;
      return new Promise((_resolve, reject) =>
        init?.signal?.addEventListener("abort", () => reject(new Error("aborted"))),
      );
    };
    const client = new GoDaddyClient({
      key: "k",
      secret: "s",
      baseUrl: "http://127.0.0.1:9",
      fetch: hanging,
      timeoutMs: 50,
      maxRetries: 1,
    });
    await expect(client.getRecords("gyana.com", "CNAME", "www")).rejects.toMatchObject({
      status: 0,
      code: "TIMEOUT",
      message:
        "GoDaddy API GET /v1/domains/gyana.com/records/CNAME/www failed: 0 TIMEOUT: no answer within 50 ms",
    });
    expect(attempts).toBe(2);
  });

  it("never repeats a POST-like write that got no answer", async () => {
    let attempts = 0;
    const failing: typeof fetch = () => {
      attempts++;
      return Promise.reject(new TypeError("fetch failed"));
    };
    const client = new GoDaddyClient({ key: "k", secret: "s", fetch: failing, maxRetries: 3 });
    await expect(
      client.request("PATCH", "/v1/domains/gyana.com/records", []),
    ).rejects.toMatchObject({
      code: "NETWORK_ERROR",
    });
    expect(attempts).toBe(1);
  });

  it("answers 429 once 60 requests were made within a minute", async () => {
    const client = new GoDaddyClient({
      key: emulator.key,
      secret: emulator.secret,
      baseUrl: emulator.url,
      maxRetries: 0,
    });
    for (let i = 0; i < 60; i++) await client.getRecords("gyana.com", "CNAME", "www");
    const error = await client.getRecords("gyana.com", "CNAME", "www").catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 429, code: "TOO_MANY_REQUESTS" });
    expect((error as GoDaddyApiError).retryAfterSec).toBeGreaterThan(50);
  });
});
