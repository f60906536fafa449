// HerokuClient against the emulator: headers, Range pagination, which calls are retried and how
// long it waits (an injected sleep records delays, nothing really waits), the per-attempt
// deadline, typed errors, and that the token never leaks into errors or logs.
import { inspect } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  HerokuApiError,
  HerokuClient,
  herokuClientFromEnv,
  isNotFound,
  type HerokuClientOptions,
  type RetryEvent,
} from "../../providers/heroku/client";
import { startHerokuEmulator, type HerokuEmulator } from "../emulator/heroku";

let emu: HerokuEmulator;
let paged: HerokuEmulator;

beforeAll(async () => {
  emu = await startHerokuEmulator();
  paged = await startHerokuEmulator({ pageSize: 2 });
});

afterAll(async () => {
  await emu.close();
  await paged.close();
});

afterEach(() => {
  emu.faults.clear();
  vi.restoreAllMocks();
});

interface Harness {
  client: HerokuClient;
  delays: number[];
  retries: RetryEvent[];
  sent: { url: string; method: string; headers: Record<string, string>; body?: string }[];
}

function harness(target: HerokuEmulator, options: Partial<HerokuClientOptions> = {}): Harness {
  const delays: number[] = [];
  const retries: RetryEvent[] = [];
  const sent: Harness["sent"] = [];
  const client = new HerokuClient({
    token: target.token,
    baseUrl: target.url,
    sleep: async (ms) => {
      delays.push(ms);
    },
    onRetry: (e) => retries.push(e),
    random: () => 0.5,
    fetch: (input, init) => {
      sent.push({
        url: String(input),
        method: init?.method ?? "GET",
        headers: { ...(init?.headers as Record<string, string>) },
        body: init?.body as string | undefined,
      });
      return fetch(input, init);
    },
    ...options,
  });
  return { client, delays, retries, sent };
}

async function failure(promise: Promise<unknown>): Promise<HerokuApiError> {
  try {
    await promise;
  } catch (err) {
    // Told by its fields, as providers tell it (isApiError), not by `instanceof`: every client
    // herokuClientFromEnv makes has classes of its own (herokuClientClasses in client.ts).
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({ name: "HerokuApiError" });
    return err as HerokuApiError;
  }
  throw new Error("expected the call to fail");
}

function everyTextOf(err: unknown): string {
  const e = err as Error;
  return [e.message, e.stack, String(e), JSON.stringify(e), inspect(e, { depth: 5 })].join("\n");
}

describe("HerokuClient requests", () => {
  it("sends the v3 Accept header, the bearer token and its user agent on every call, and a JSON content type only with a body", async () => {
    const { client, sent } = harness(emu);
    await client.post("/apps", { name: "hdr-app", region: "eu" });
    await client.get("/apps/hdr-app");
    expect(sent[0]!.headers).toMatchObject({
      Accept: "application/vnd.heroku+json; version=3",
      Authorization: `Bearer ${emu.token}`,
      "Content-Type": "application/json",
    });
    expect(sent[0]!.headers["User-Agent"]).toMatch(/^gyana-infra\/\d+\.\d+\.\d+$/);
    expect(JSON.parse(sent[0]!.body!)).toEqual({ name: "hdr-app", region: "eu" });
    expect(sent[1]!.headers["Content-Type"]).toBeUndefined();
    expect(sent[1]!.headers["Accept"]).toBe("application/vnd.heroku+json; version=3");
    expect(emu.violations).toEqual([]);
  });

  it("follows 206 + Next-Range until the last page and returns every item once", async () => {
    for (let i = 0; i < 5; i++) paged.state.createApp({ name: `paged-${i}`, region: "eu" });
    const { client, sent } = harness(paged);
    const apps = await client.list<{ name: string }>("/apps");
    expect(apps.map((a) => a.name).sort()).toEqual([
      "paged-0",
      "paged-1",
      "paged-2",
      "paged-3",
      "paged-4",
    ]);
    expect(sent).toHaveLength(3);
    expect(sent[0]!.headers["Range"]).toBeUndefined();
    expect(sent[1]!.headers["Range"]).toMatch(/^id \]/);
    expect(paged.violations).toEqual([]);
  });

  it("asks for a page size with `Range: id ..; max=N` when given one", async () => {
    const { client, sent } = harness(paged);
    const apps = await client.list("/apps", { pageSize: 1 });
    expect(apps.length).toBeGreaterThanOrEqual(5);
    expect(sent[0]!.headers["Range"]).toBe("id ..; max=1;");
    expect(sent.length).toBe(apps.length);
  });
});

describe("HerokuClient retries", () => {
  it("retries a GET on 503 after exactly the Retry-After seconds", async () => {
    emu.state.createApp({ name: "retry-get", region: "eu" });
    emu.faults.inject({
      method: "GET",
      path: "/apps/retry-get",
      status: 503,
      retryAfter: 7,
      times: 2,
    });
    const { client, delays, retries } = harness(emu);
    const app = await client.get<{ name: string }>("/apps/retry-get");
    expect(app.name).toBe("retry-get");
    expect(delays).toEqual([7000, 7000]);
    expect(retries.map((r) => [r.attempt, r.status])).toEqual([
      [1, 503],
      [2, 503],
    ]);
  });

  it("retries a POST on 429, honouring Retry-After, and creates the app once", async () => {
    emu.faults.inject({ method: "POST", path: "/apps", status: 429, retryAfter: 3 });
    const { client, delays } = harness(emu);
    await client.post("/apps", { name: "retry-post", region: "eu" });
    expect(delays).toEqual([3000]);
    expect([...emu.state.apps.values()].filter((a) => a.name === "retry-post")).toHaveLength(1);
  });

  it.each([500, 503])("never repeats a POST that got %i", async (status) => {
    emu.faults.inject({ method: "POST", path: "/apps", status, retryAfter: 1 });
    const { client, delays, sent } = harness(emu);
    const err = await failure(client.post("/apps", { name: `no-retry-${status}`, region: "eu" }));
    expect(err.status).toBe(status);
    expect(sent).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it("never repeats a POST whose connection dropped", async () => {
    emu.faults.inject({ method: "POST", path: "/apps", drop: true });
    const { client, sent } = harness(emu);
    const err = await failure(client.post("/apps", { name: "no-retry-drop", region: "eu" }));
    expect(err.status).toBe(0);
    expect(err.errorId).toBe("network_error");
    expect(sent).toHaveLength(1);
  });

  it("retries a PATCH after a dropped connection", async () => {
    emu.state.createApp({ name: "retry-drop", region: "eu" });
    emu.faults.inject({ method: "PATCH", path: "/apps/retry-drop", drop: true });
    const { client, sent } = harness(emu);
    await client.patch("/apps/retry-drop", { maintenance: true });
    expect(sent).toHaveLength(2);
    expect(emu.state.app("retry-drop").maintenance).toBe(true);
  });

  it("backs off exponentially with jitter and a cap when there is no Retry-After", async () => {
    emu.state.createApp({ name: "backoff", region: "eu" });
    emu.faults.inject({ method: "GET", path: "/apps/backoff", status: 502, times: 4 });
    const { client, delays } = harness(emu, { baseDelayMs: 100, maxDelayMs: 500, random: () => 1 });
    await client.get("/apps/backoff");
    expect(delays).toEqual([100, 200, 400, 500]);
    const low = harness(emu, { baseDelayMs: 100, random: () => 0 });
    emu.faults.inject({ method: "GET", path: "/apps/backoff", status: 502, times: 2 });
    await low.client.get("/apps/backoff");
    expect(low.delays).toEqual([50, 100]);
  });

  it("gives up after maxRetries and reports the last error", async () => {
    emu.faults.inject({ method: "GET", path: "/apps/anything", status: 503, times: Infinity });
    const { client, sent } = harness(emu, { maxRetries: 2 });
    const err = await failure(client.get("/apps/anything"));
    expect(err.status).toBe(503);
    expect(sent).toHaveLength(3);
  });

  it("does not wait for a Retry-After longer than maxRetryAfterMs", async () => {
    emu.faults.inject({ method: "GET", path: "/apps/slow-limit", status: 429, retryAfter: 3600 });
    const { client, delays } = harness(emu, { maxRetryAfterMs: 60_000 });
    const err = await failure(client.get("/apps/slow-limit"));
    expect(err.status).toBe(429);
    expect(err.errorId).toBe("rate_limit");
    expect(delays).toEqual([]);
  });

  describe("the per-call deadline (all attempts and waits of one call)", () => {
    // A clock that only the injected sleep advances: the deadline is tested without waiting.
    function clocked(options: Partial<HerokuClientOptions>) {
      let now = 0;
      const h = harness(emu, {
        now: () => now,
        sleep: async (ms) => {
          h.delays.push(ms);
          now += ms;
        },
        ...options,
      });
      return h;
    }

    it("retries while the waits fit in deadlineMs", async () => {
      emu.state.createApp({ name: "deadline-fits", region: "eu" });
      emu.faults.inject({
        method: "GET",
        path: "/apps/deadline-fits",
        status: 429,
        retryAfter: 20,
        times: 2,
      });
      const { client, delays } = clocked({ deadlineMs: 45_000 });
      await client.get("/apps/deadline-fits");
      expect(delays).toEqual([20_000, 20_000]);
    });

    it("fails at once when a Retry-After would pass the deadline, naming method, path and deadline", async () => {
      emu.faults.inject({
        method: "GET",
        path: "/apps/deadline-passed",
        status: 429,
        retryAfter: 30,
        times: Infinity,
      });
      const { client, delays, sent } = clocked({ deadlineMs: 50_000 });
      const err = await failure(client.get("/apps/deadline-passed"));
      // The first wait (30 s) fits; the second would end at 60 s > 50 s: no second wait.
      expect(delays).toEqual([30_000]);
      expect(sent).toHaveLength(2);
      expect(err.errorId).toBe("deadline_exceeded");
      expect(err.status).toBe(429);
      expect(err.message).toMatch(/GET \/apps\/deadline-passed/);
      expect(err.message).toMatch(/deadline of 50000 ms/);
      expect(everyTextOf(err)).not.toContain(emu.token);
    });

    it("bounds backoff after network errors too, and reads HEROKU_API_DEADLINE_MS", async () => {
      emu.faults.inject({
        method: "GET",
        path: "/apps/deadline-drop",
        drop: true,
        times: Infinity,
      });
      const saved = { key: process.env["HEROKU_API_KEY"], url: process.env["HEROKU_API_URL"] };
      process.env["HEROKU_API_KEY"] = emu.token;
      process.env["HEROKU_API_URL"] = emu.url;
      process.env["HEROKU_API_DEADLINE_MS"] = "1000";
      let now = 0;
      const delays: number[] = [];
      try {
        const client = herokuClientFromEnv({
          now: () => now,
          sleep: async (ms) => {
            delays.push(ms);
            now += ms;
          },
          onRetry: () => {},
          baseDelayMs: 400,
          random: () => 1,
        });
        const err = await failure(client.get("/apps/deadline-drop"));
        expect(err.errorId).toBe("deadline_exceeded");
        expect(err.status).toBe(0);
        expect(err.message).toMatch(/deadline of 1000 ms/);
        // 400 fits (0 + 400), 800 would end at 1200 > 1000.
        expect(delays).toEqual([400]);
        expect(everyTextOf(err)).not.toContain(emu.token);
      } finally {
        delete process.env["HEROKU_API_DEADLINE_MS"];
        for (const [k, v] of [
          ["HEROKU_API_KEY", saved.key],
          ["HEROKU_API_URL", saved.url],
        ] as const) {
          if (v === undefined) delete process.env[k];
          else process.env[k] = v;
        }
      }
    });

    it("defaults to 10 minutes", async () => {
      emu.faults.inject({
        method: "GET",
        path: "/apps/deadline-default",
        status: 503,
        retryAfter: 299,
        times: Infinity,
      });
      const { client, delays } = clocked({});
      const err = await failure(client.get("/apps/deadline-default"));
      expect(delays).toEqual([299_000, 299_000]);
      expect(err.message).toMatch(/deadline of 600000 ms/);
    });
  });

  it("does not retry client errors such as 422", async () => {
    emu.state.createApp({ name: "taken-a", region: "eu" });
    emu.state.createApp({ name: "taken-b", region: "eu" });
    const { client, sent } = harness(emu);
    const err = await failure(client.patch("/apps/taken-b", { name: "taken-a" }));
    expect(err.status).toBe(422);
    expect(err.errorId).toBe("invalid_params");
    expect(err.message).toContain("Name is already taken");
    expect(sent).toHaveLength(1);
  });
});

describe("HerokuClient deadline and errors", () => {
  it("abandons an attempt that gets no answer within timeoutMs", async () => {
    emu.faults.inject({ method: "GET", path: "/apps/hang", delayMs: 2000, status: 200 });
    const { client } = harness(emu, { timeoutMs: 150, maxRetries: 0 });
    const started = Date.now();
    const err = await failure(client.get("/apps/hang"));
    expect(Date.now() - started).toBeLessThan(1500);
    expect(err.status).toBe(0);
    expect(err.errorId).toBe("timeout");
    expect(err.message).toContain("no answer within 150 ms");
  });

  it("retries a GET that timed out", async () => {
    emu.state.createApp({ name: "late", region: "eu" });
    emu.faults.inject({ method: "GET", path: "/apps/late", delayMs: 1000 });
    const { client, sent } = harness(emu, { timeoutMs: 150 });
    const app = await client.get<{ name: string }>("/apps/late");
    expect(app.name).toBe("late");
    expect(sent).toHaveLength(2);
  });

  it("names the cause of a connection failure", async () => {
    const closed = await startHerokuEmulator();
    const url = closed.url;
    await closed.close();
    const client = new HerokuClient({ token: "t", baseUrl: url, maxRetries: 0 });
    const err = await failure(client.get("/apps"));
    expect(err.errorId).toBe("network_error");
    expect(err.message).toContain("ECONNREFUSED");
  });

  it("carries status, Heroku error id, request id, method and path", async () => {
    const { client } = harness(emu);
    const err = await failure(client.get("/apps/does-not-exist?x=1"));
    expect(err).toMatchObject({
      status: 404,
      errorId: "not_found",
      method: "GET",
      path: "/apps/does-not-exist",
    });
    expect(err.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(err.message).toContain("GET /apps/does-not-exist failed: 404 not_found");
    expect(err.message).toContain(err.requestId!);
    expect(isNotFound(err)).toBe(true);
    expect(isNotFound(new Error("x"))).toBe(false);
    // Pulumi's dynamic provider host reads an error's `id` as "created, failed to initialize".
    expect("id" in err).toBe(false);
    expect(err.toJSON()).not.toHaveProperty("id");
  });

  it("never lets the token into a message, stack, JSON or log line, even when the server echoes it", async () => {
    const lines: string[] = [];
    vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
      lines.push(args.map(String).join(" "));
    });
    const delays: number[] = [];
    const client = new HerokuClient({
      token: emu.token,
      baseUrl: emu.url,
      sleep: async (ms) => {
        delays.push(ms);
      },
      timeoutMs: 150,
      maxRetries: 1,
    });
    emu.faults.inject({
      method: "GET",
      path: "/apps/echo",
      status: 500,
      times: 2,
      body: { id: "internal_server_error", message: `token ${emu.token} rejected` },
    });
    emu.faults.inject({ method: "GET", path: "/apps/hang2", delayMs: 1000, times: 2 });
    emu.faults.inject({ method: "POST", path: "/apps", drop: true });
    const errors = [
      await failure(client.get("/apps/echo")),
      await failure(client.get("/apps/missing")),
      await failure(client.get("/apps/hang2")),
      await failure(client.post("/apps", { name: "x-drop" })),
    ];
    expect(lines.length).toBeGreaterThan(0);
    for (const err of errors) {
      const text = everyTextOf(err);
      expect(text).not.toContain(emu.token);
      expect(err.request.headers["authorization"]).toBe("Bearer [REDACTED]");
    }
    expect(errors[0]!.message).toContain("token [REDACTED] rejected");
    expect(lines.join("\n")).not.toContain(emu.token);
  });
});

describe("herokuClientFromEnv", () => {
  it("names HEROKU_API_KEY when it is missing", () => {
    const saved = process.env["HEROKU_API_KEY"];
    delete process.env["HEROKU_API_KEY"];
    try {
      expect(() => herokuClientFromEnv()).toThrow(/HEROKU_API_KEY is not set/);
    } finally {
      if (saved !== undefined) process.env["HEROKU_API_KEY"] = saved;
    }
  });

  it("ignores the newline a pasted HEROKU_API_KEY often ends with", async () => {
    const saved = { key: process.env["HEROKU_API_KEY"], url: process.env["HEROKU_API_URL"] };
    try {
      process.env["HEROKU_API_KEY"] = `${emu.token}\n`;
      process.env["HEROKU_API_URL"] = emu.url;
      await expect(herokuClientFromEnv().get("/account/rate-limits")).resolves.toBeDefined();
    } finally {
      for (const [k, v] of [
        ["HEROKU_API_KEY", saved.key],
        ["HEROKU_API_URL", saved.url],
      ] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it("reads HEROKU_API_KEY and HEROKU_API_URL when called, not when imported", async () => {
    const saved = { key: process.env["HEROKU_API_KEY"], url: process.env["HEROKU_API_URL"] };
    try {
      process.env["HEROKU_API_KEY"] = emu.token;
      process.env["HEROKU_API_URL"] = emu.url;
      emu.state.createApp({ name: "from-env", region: "eu" });
      const app = await herokuClientFromEnv().get<{ name: string }>("/apps/from-env");
      expect(app.name).toBe("from-env");
      process.env["HEROKU_API_URL"] = paged.url;
      const err = await failure(herokuClientFromEnv({ maxRetries: 0 }).get("/apps/from-env"));
      expect(err.status).toBe(401);
    } finally {
      for (const [k, v] of [
        ["HEROKU_API_KEY", saved.key],
        ["HEROKU_API_URL", saved.url],
      ] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});
