// A GoDaddy Domains API v1 emulator on 127.0.0.1 for DNS record tests: records per zone,
// `sso-key` authentication, GoDaddy's error bodies (`{code, message, fields?}`), the 600 s TTL
// minimum (422), the 2024 DNS API restriction (403 ACCESS_DENIED, on demand) and the
// 60 requests/minute limit (429 with `retryAfterSec`), and a log of every request.
import type { IncomingMessage, ServerResponse } from "node:http";
import { listenEmulator } from "../listen";

export interface EmulatedRecord {
  type: string;
  name: string;
  data: string;
  ttl: number;
}

export interface GoDaddyFaults {
  /** Answer every request with 403 ACCESS_DENIED (an account without DNS API access). */
  accessDenied: boolean;
  /** Answer the next N requests with 429 TOO_MANY_REQUESTS. */
  tooManyRequests: number;
  /** `retryAfterSec` (and `Retry-After`) sent with a forced 429. */
  retryAfterSec: number;
}

export interface EmulatedRequest {
  method: string;
  path: string;
  status: number;
  body: unknown;
}

export interface GoDaddyEmulator {
  url: string;
  key: string;
  secret: string;
  /** Zone name → its records. Tests may edit it to simulate changes made by hand. */
  zones: Map<string, EmulatedRecord[]>;
  faults: GoDaddyFaults;
  requests: EmulatedRequest[];
  /** Requests per `METHOD`, plus `total`. */
  counts(): Record<string, number>;
  /** Requests that could change state (everything but GET). */
  writes(): EmulatedRequest[];
  /** Requests a careful client never sends (zone- or type-wide replacement). */
  violations: string[];
  close(): Promise<void>;
}

export interface GoDaddyEmulatorOptions {
  zones?: Record<string, EmulatedRecord[]>;
  /** Requests per minute before 429; GoDaddy documents 60. */
  rateLimitPerMinute?: number;
  /**
   * Answer on this process's shared emulator URL when no other emulator holds it (else on a
   * server of its own), so the emulated engine keeps one dynamic provider host
   * (test/emulator/listen.ts).
   */
  shared?: boolean;
}

const MIN_TTL = 600;
const DEFAULT_TTL = 3600;

export async function startGoDaddyEmulator(
  options: GoDaddyEmulatorOptions = {},
): Promise<GoDaddyEmulator> {
  const key = "emulator-key";
  const secret = "emulator-secret";
  const zones = new Map<string, EmulatedRecord[]>(
    Object.entries(options.zones ?? { "gyana.com": [] }).map(([zone, records]) => [
      zone,
      records.map((r) => ({ ...r })),
    ]),
  );
  const faults: GoDaddyFaults = { accessDenied: false, tooManyRequests: 0, retryAfterSec: 1 };
  const requests: EmulatedRequest[] = [];
  const violations: string[] = [];
  const limit = options.rateLimitPerMinute ?? 60;
  const window: number[] = [];

  function send(
    res: ServerResponse,
    status: number,
    body?: unknown,
    headers: Record<string, string> = {},
  ) {
    const text = body === undefined ? "" : JSON.stringify(body);
    res.writeHead(status, {
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      ...headers,
    });
    res.end(text);
    return status;
  }

  function handle(
    method: string,
    path: string,
    auth: string | undefined,
    body: unknown,
    res: ServerResponse,
  ): number {
    if (auth !== `sso-key ${key}:${secret}`) {
      return send(res, 401, {
        code: "UNABLE_TO_AUTHENTICATE",
        message: "Unable to authenticate user",
      });
    }
    const now = Date.now();
    while (window.length > 0 && (window[0] ?? 0) <= now - 60_000) window.shift();
    if (faults.tooManyRequests > 0 || window.length >= limit) {
      const forced = faults.tooManyRequests > 0;
      if (forced) faults.tooManyRequests--;
      const retryAfterSec = forced
        ? faults.retryAfterSec
        : Math.ceil(((window[0] ?? now) + 60_000 - now) / 1000);
      return send(
        res,
        429,
        {
          code: "TOO_MANY_REQUESTS",
          message: "Too many requests received within interval",
          retryAfterSec,
        },
        { "Retry-After": String(retryAfterSec) },
      );
    }
    window.push(now);
    if (faults.accessDenied) {
      return send(res, 403, {
        code: "ACCESS_DENIED",
        message: "Authenticated user is not allowed access",
      });
    }

    const match = /^\/v1\/domains\/([^/]+)\/records(?:\/([^/]+))?(?:\/([^/]+))?$/.exec(path);
    if (!match)
      return send(res, 404, { code: "NOT_FOUND", message: `No route for ${method} ${path}` });
    const zone = decodeURIComponent(match[1] ?? "");
    const type = match[2] === undefined ? undefined : decodeURIComponent(match[2]);
    const name = match[3] === undefined ? undefined : decodeURIComponent(match[3]);
    const records = zones.get(zone);
    if (!records) {
      return send(res, 404, {
        code: "UNKNOWN_DOMAIN",
        message: "The given domain is not registered, or does not have a zone file",
      });
    }
    const matching = (r: EmulatedRecord) =>
      (type === undefined || r.type === type) && (name === undefined || r.name === name);

    if (method === "GET") {
      return send(
        res,
        200,
        records.filter(matching).map((r) => ({ ...r })),
      );
    }
    if (method === "PUT") {
      if (type === undefined || name === undefined) {
        violations.push(
          `${method} ${path} replaces every record ${type ? `of type ${type}` : "in the zone"}`,
        );
      }
      const problem = validateRecords(body);
      if (problem) return send(res, 422, problem);
      const incoming = (body as Array<Partial<EmulatedRecord>>).map((r) => ({
        type: type ?? String(r.type),
        name: name ?? String(r.name),
        data: String(r.data),
        ttl: r.ttl ?? DEFAULT_TTL,
      }));
      if (type === "CNAME" && incoming.length > 1) {
        return send(res, 422, {
          code: "INVALID_BODY",
          message: "Only one CNAME record may exist for a name",
        });
      }
      const kept = records.filter((r) => !matching(r));
      zones.set(zone, [...kept, ...incoming]);
      return send(res, 200);
    }
    if (method === "DELETE" && type !== undefined && name !== undefined) {
      if (!records.some(matching)) {
        return send(res, 404, {
          code: "NOT_FOUND",
          message: `Record not found for type ${type} and name ${name}`,
        });
      }
      zones.set(
        zone,
        records.filter((r) => !matching(r)),
      );
      return send(res, 204);
    }
    return send(res, 405, {
      code: "METHOD_NOT_ALLOWED",
      message: `${method} is not supported here`,
    });
  }

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const method = req.method ?? "GET";
      const path = new URL(req.url ?? "/", "http://emulator").pathname;
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown = undefined;
      if (text) {
        try {
          body = JSON.parse(text);
        } catch {
          const status = send(res, 400, {
            code: "INVALID_BODY",
            message: "Request body is not valid JSON",
          });
          requests.push({ method, path, status, body: text });
          return;
        }
      }
      const status = handle(method, path, req.headers.authorization, body, res);
      requests.push({ method, path, status, body });
    });
  };
  const listening = await listenEmulator("godaddy", listener, { shared: options.shared });

  return {
    url: listening.url,
    key,
    secret,
    zones,
    faults,
    requests,
    violations,
    counts() {
      const counts: Record<string, number> = { total: requests.length };
      for (const r of requests) counts[r.method] = (counts[r.method] ?? 0) + 1;
      return counts;
    },
    writes() {
      return requests.filter((r) => r.method !== "GET");
    },
    close: () => listening.close(),
  };
}

function validateRecords(body: unknown): unknown {
  if (!Array.isArray(body)) {
    return {
      code: "INVALID_BODY",
      fields: [{ code: "UNEXPECTED_TYPE", message: "is not a array", path: "records" }],
      message: "Request body doesn't fulfill schema, see details in `fields`",
    };
  }
  const fields: { code: string; message: string; path: string }[] = [];
  body.forEach((record: unknown, index) => {
    const r = (record ?? {}) as Record<string, unknown>;
    if (typeof r["data"] !== "string" || r["data"] === "") {
      fields.push({ code: "MISSING", message: "is required", path: `records[${index}].data` });
    }
    if (r["ttl"] !== undefined && (typeof r["ttl"] !== "number" || r["ttl"] < MIN_TTL)) {
      fields.push({
        code: "INVALID_VALUE",
        message: `must be at least ${MIN_TTL}`,
        path: `records[${index}].ttl`,
      });
    }
  });
  return fields.length === 0
    ? undefined
    : {
        code: "INVALID_BODY",
        fields,
        message: "Request body doesn't fulfill schema, see details in `fields`",
      };
}
