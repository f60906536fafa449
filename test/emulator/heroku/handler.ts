// One request's way through the emulator: faults, headers, auth, rate limit, schema check of
// the body, the route handler, schema check of the answer, pagination, and the request log.
import { randomUUID } from "node:crypto";
import type * as http from "node:http";
import type { Faults, RateLimiter } from "./faults";
import { HttpError, statusErrorId, type Ctx, type Handler, type Result } from "./http";
import { paginate, parseRange } from "./pagination";
import { matchRoute, validateBody, type SchemaRoute } from "./schema";
import type { EmulatorState } from "./state";
import { ALL_ROUTES } from "./routes";
import { serveLogplex } from "./routes/dynos";

export interface RecordedRequest {
  method: string;
  path: string;
  /** `METHOD template`, e.g. `PATCH /apps/{app}/config-vars`. */
  route: string;
  /** 0 when the connection was dropped. */
  status: number;
  body?: unknown;
}

export interface Pipeline {
  state: EmulatorState;
  faults: Faults;
  limiter: RateLimiter;
  requests: RecordedRequest[];
  violations: string[];
  token: string;
  pageSize: number;
  pageCap: number;
  baseUrl: () => string;
}

const ACCEPT = "application/vnd.heroku+json; version=3";
// Variants such as `version=3.pipelines`, which the heroku CLI sends for the pipeline name filter
// (heroku/cli src/lib/api.ts, PIPELINES_HEADER), are the same API version.
const ACCEPTED = /^application\/vnd\.heroku\+json;version=3(\.[a-z-]+)?$/;
const UNKNOWN_ROUTE =
  "The requested API endpoint was not found. Are you using the right HTTP verb (i.e. `GET` vs. " +
  "`POST`), and did you specify your intended version with the `Accept` header?";

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

export function createRequestHandler(
  p: Pipeline,
): (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> {
  const { state, faults, limiter, requests, violations, token, pageSize, pageCap } = p;

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
    if (!accept.split(",").some((a) => ACCEPTED.test(a.replace(/\s+/g, "")))) {
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
      query: url.searchParams,
      req,
      baseUrl: p.baseUrl(),
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

  function checkResponse(routeKey: string, route: SchemaRoute, body: unknown) {
    const problem = validateBody(route, "targetSchema", body);
    if (problem) violations.push(`${routeKey} response: ${problem}`);
  }

  return handle;
}
