// The emulator's HTTP front: headers, auth, rate limit, faults, schema checks on the way in and
// out, pagination, and a record of every request for assertions.
import { randomUUID } from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { Faults, RateLimiter, type Fault } from "./faults";
import { HttpError, statusErrorId, type Ctx, type Handler, type Result, type Routes } from "./http";
import { paginate, parseRange } from "./pagination";
import { matchRoute, schemaRoutes, validateBody } from "./schema";
import { EmulatorState } from "./state";
import { addonRoutes } from "./routes/addons";
import { appRoutes } from "./routes/apps";
import { configRoutes } from "./routes/config";
import { domainRoutes } from "./routes/domains";
import { drainRoutes } from "./routes/drains";
import { dynoRoutes, serveLogplex } from "./routes/dynos";
import { formationRoutes } from "./routes/formation";
import { oauthRoutes } from "./routes/oauth";
import { pipelineRoutes } from "./routes/pipelines";
import { releaseRoutes } from "./routes/releases";

export interface HerokuEmulatorOptions {
  /** Page size the server uses for lists (default 200); when set, also the largest page served. */
  pageSize?: number;
  /** Info GETs of a new add-on that still answer `provisioning` (default 2). */
  addonProvisioningPolls?: number;
  /** Alternative to polls: wall-clock delay before an add-on is provisioned. */
  addonProvisioningDelayMs?: number;
  /** The accepted bearer token (default random). */
  token?: string;
  /** Tokens in the rate-limit bucket (default 1,000,000); an empty bucket answers 429. */
  rateLimit?: number;
  /** Bucket refill rate (default 1.25 per second, Heroku's 4500 per hour). */
  rateLimitRefillPerSecond?: number;
  /** Port to listen on (default 0, a free port). */
  port?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** `METHOD template`, e.g. `PATCH /apps/{app}/config-vars`. */
  route: string;
  /** 0 when the connection was dropped. */
  status: number;
  body?: unknown;
}

export interface HerokuEmulator {
  url: string;
  token: string;
  state: EmulatorState;
  faults: { inject(fault: Fault): void; clear(): void };
  requests: RecordedRequest[];
  counts(): Record<string, number>;
  writes(): number;
  resetCounts(): void;
  violations: string[];
  close(): Promise<void>;
}

const ACCEPT = "application/vnd.heroku+json; version=3";
const UNKNOWN_ROUTE =
  "The requested API endpoint was not found. Are you using the right HTTP verb (i.e. `GET` vs. " +
  "`POST`), and did you specify your intended version with the `Accept` header?";

const ALL_ROUTES: Routes = {
  ...appRoutes,
  ...addonRoutes,
  ...configRoutes,
  ...formationRoutes,
  ...domainRoutes,
  ...drainRoutes,
  ...dynoRoutes,
  ...oauthRoutes,
  ...pipelineRoutes,
  ...releaseRoutes,
};

function checkRouteKeys(): void {
  const known = new Set(schemaRoutes().map((r) => r.key));
  const typos = Object.keys(ALL_ROUTES).filter((k) => !known.has(k));
  if (typos.length) throw new Error(`emulator routes not in the schema: ${typos.join(", ")}`);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function bearer(req: http.IncomingMessage): string | undefined {
  const header = req.headers.authorization ?? "";
  const b = /^Bearer\s+(.+)$/i.exec(header);
  if (b) return b[1]!.trim();
  const basic = /^Basic\s+(.+)$/i.exec(header);
  if (basic) return Buffer.from(basic[1]!, "base64").toString("utf8").split(":").slice(1).join(":");
  return undefined;
}

export async function startHerokuEmulator(
  options: HerokuEmulatorOptions = {},
): Promise<HerokuEmulator> {
  checkRouteKeys();
  const token = options.token ?? `HRKU-emulator-${randomUUID()}`;
  const pageSize = options.pageSize ?? 200;
  const pageCap = options.pageSize ?? 1000;
  const state = new EmulatorState({
    addonProvisioningPolls: options.addonProvisioningPolls ?? 2,
    addonProvisioningDelayMs: options.addonProvisioningDelayMs,
  });
  const faults = new Faults();
  const limiter = new RateLimiter(
    options.rateLimit ?? 1_000_000,
    options.rateLimitRefillPerSecond ?? 1.25,
  );
  const requests: RecordedRequest[] = [];
  const violations: string[] = [];
  let baseUrl = "";

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const method = (req.method ?? "GET").toUpperCase();
    const url = new URL(req.url ?? "/", "http://emulator");
    const pathname = url.pathname;
    const raw = await readBody(req);
    let parsed: unknown;
    let parseError = false;
    if (raw.trim()) {
      try {
        parsed = JSON.parse(raw);
      } catch {
        parseError = true;
      }
    }
    const match = matchRoute(method, pathname);
    const logplex = method === "GET" && /^\/logplex\/[^/]+$/.test(pathname);
    const routeKey = match?.route.key ?? (logplex ? "GET /logplex/{id}" : `${method} ${pathname}`);
    const record: RecordedRequest = { method, path: pathname, route: routeKey, status: 0 };
    if (parsed !== undefined) record.body = parsed;
    requests.push(record);

    const send = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      record.status = status;
      res.writeHead(status, {
        "Content-Type": "application/json; charset=utf-8",
        "Request-Id": randomUUID(),
        "RateLimit-Remaining": String(limiter.remaining()),
        ...headers,
      });
      res.end(body === undefined ? "" : JSON.stringify(body));
    };
    const fail = (status: number, id: string, message: string, headers?: Record<string, string>) =>
      send(status, { id, message }, headers);

    const fault = faults.take(method, pathname, match?.route.template);
    if (fault) {
      if (fault.delayMs) await sleep(fault.delayMs);
      if (fault.drop) {
        record.status = 0;
        req.socket.destroy();
        return;
      }
      // A 2xx fault without a body only delays: the request is then handled normally.
      const passThrough =
        fault.status !== undefined && fault.status < 300 && fault.body === undefined;
      if (fault.status !== undefined && !passThrough) {
        const headers: Record<string, string> = {};
        if (fault.retryAfter !== undefined) headers["Retry-After"] = String(fault.retryAfter);
        send(
          fault.status,
          fault.body ?? {
            id: statusErrorId(fault.status),
            message: `Injected fault: ${fault.status} for ${method} ${pathname}`,
          },
          headers,
        );
        return;
      }
    }

    if (logplex) {
      record.status = 200;
      serveLogplex(state, pathname.split("/")[2] ?? "", res, (status) => {
        record.status = status;
      });
      return;
    }

    const accept = req.headers.accept ?? "";
    if (!accept.split(",").some((a) => a.replace(/\s+/g, "") === ACCEPT.replace(/\s+/g, ""))) {
      fail(
        406,
        "not_acceptable",
        `Please specify a version along with Heroku's API MIME type. For example, \`Accept: ${ACCEPT}\`.`,
      );
      return;
    }
    const presented = bearer(req);
    const tokenOk =
      presented !== undefined &&
      (presented === token ||
        [...state.authorizations.values()].some((a) => a.token === presented));
    if (!tokenOk) {
      fail(401, "unauthorized", "Invalid credentials provided.");
      return;
    }
    if (routeKey !== "GET /account/rate-limits" && !limiter.take()) {
      fail(
        429,
        "rate_limit",
        "Your account reached the API rate limit\nPlease wait a few minutes before making new requests",
        {
          "Retry-After": String(limiter.retryAfter()),
        },
      );
      return;
    }
    if (!match) {
      violations.push(`unknown route: ${method} ${pathname}`);
      fail(404, "not_found", UNKNOWN_ROUTE);
      return;
    }
    if (parseError) {
      violations.push(`${routeKey}: request body is not JSON`);
      fail(400, "bad_request", "Invalid JSON in request body.");
      return;
    }
    const route = match.route;
    const hasRequestSchema = route.links.some((l) => l.hasRequestSchema);
    const body = parsed ?? (hasRequestSchema ? {} : undefined);
    if (hasRequestSchema) {
      const problem = validateBody(route, "schema", body);
      if (problem) {
        violations.push(`${routeKey} request: ${problem}`);
        fail(422, "invalid_params", `Invalid params: ${problem}`);
        return;
      }
    }
    const handler: Handler | undefined = ALL_ROUTES[route.key];
    if (!handler) {
      violations.push(`not emulated: ${routeKey}`);
      fail(404, "not_found", `The emulator does not implement ${routeKey}.`);
      return;
    }
    state.tick();
    const ctx: Ctx = {
      state,
      params: match.params,
      body,
      req,
      baseUrl,
      rateLimitRemaining: () => limiter.remaining(),
    };
    let result: Result;
    try {
      result = await handler(ctx);
    } catch (err) {
      if (err instanceof HttpError) {
        fail(err.status, err.id, err.message);
        return;
      }
      violations.push(`${routeKey}: emulator error ${String((err as Error).stack ?? err)}`);
      fail(500, "internal_server_error", "Internal server error.");
      return;
    }
    if ("raw" in result) {
      result.raw(res);
      return;
    }
    const defaultStatus = method === "POST" ? 201 : 200;
    if ("list" in result) {
      const page = paginate(
        result.list,
        result.sortKey ?? "id",
        parseRange(req.headers.range),
        pageSize,
        pageCap,
      );
      checkResponse(routeKey, route, page.items);
      const headers: Record<string, string> = {};
      if (page.contentRange) headers["Content-Range"] = page.contentRange;
      if (page.nextRange) headers["Next-Range"] = page.nextRange;
      send(page.partial ? 206 : (result.status ?? 200), page.items, headers);
      return;
    }
    checkResponse(routeKey, route, result.body);
    send(result.status ?? defaultStatus, result.body);
  }

  function checkResponse(
    routeKey: string,
    route: Parameters<typeof validateBody>[0],
    body: unknown,
  ) {
    const problem = validateBody(route, "targetSchema", body);
    if (problem) violations.push(`${routeKey} response: ${problem}`);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      violations.push(`emulator crashed: ${String(err)}`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const address = server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${address.port}`;

  return {
    url: baseUrl,
    token,
    state,
    faults: {
      inject: (fault) => faults.inject(fault),
      clear: () => faults.clear(),
    },
    requests,
    counts() {
      const out: Record<string, number> = {};
      for (const r of requests) out[r.route] = (out[r.route] ?? 0) + 1;
      return out;
    },
    writes() {
      return requests.filter((r) => r.method !== "GET" && r.method !== "HEAD").length;
    },
    resetCounts() {
      requests.length = 0;
    },
    violations,
    close() {
      return new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      });
    },
  };
}
