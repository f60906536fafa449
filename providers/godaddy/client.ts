// GoDaddy Domains API v1 client for the DNS record provider. Provider code: it runs inside
// Pulumi's dynamic provider host after serialization, so it uses globals only (fetch,
// setTimeout, URL) and no imports of Node built-ins.
//
// Credentials: `Authorization: sso-key KEY:SECRET`, read from GODADDY_API_KEY/GODADDY_API_SECRET
// when a provider method runs, never from resource inputs. GODADDY_API_URL picks the
// environment: https://api.godaddy.com (production, the default) or https://api.ote-godaddy.com
// (OTE, GoDaddy's test environment, with its own keys).

export const GODADDY_PRODUCTION_URL = "https://api.godaddy.com";
export const GODADDY_OTE_URL = "https://api.ote-godaddy.com";

/** One DNS record as the records endpoints return it. */
export interface GoDaddyRecord {
  type?: string;
  name?: string;
  data: string;
  ttl?: number;
  priority?: number;
  port?: number;
  weight?: number;
  service?: string;
  protocol?: string;
}

export const ACCESS_DENIED_HELP =
  "GoDaddy has limited DNS API access to accounts with 10 or more domains or a Discount Domain Club Premier plan since 2024. " +
  'Set `dns: manual` in the stack\'s domain config (gyana:domains) to manage the record by hand; the stack then outputs the exact record to create ("manualDnsRecords").';

/** A GoDaddy API error: HTTP status, GoDaddy error `code` and message. Never holds credentials. */
export class GoDaddyApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly apiMessage: string,
    readonly method: string,
    readonly path: string,
    readonly retryAfterSec?: number,
  ) {
    const message =
      `GoDaddy API ${method} ${path} failed: ${status} ${code}: ${apiMessage}` +
      (status === 403 && code === "ACCESS_DENIED" ? `. ${ACCESS_DENIED_HELP}` : "");
    super(message);
    // Serialized into the provider host, `super` becomes `Error.call(this, …)`, which sets
    // nothing on `this`: assign the message explicitly.
    this.message = message;
    this.name = "GoDaddyApiError";
    Error.captureStackTrace?.(this, GoDaddyApiError);
  }

  // Besides giving a stack-free JSON form, a method makes Pulumi's closure serializer keep the
  // prototype chain to Error.prototype (a constructor-only class loses it: `instanceof Error`
  // and `String(error)` then fail in the provider host).
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      status: this.status,
      code: this.code,
      method: this.method,
      path: this.path,
      retryAfterSec: this.retryAfterSec,
    };
  }
}

/** A 404 from GoDaddy. Checks the status, not the class: a serialized provider has its own copy. */
export function isGoDaddyNotFound(error: unknown): boolean {
  return (
    (error as { name?: unknown; status?: unknown } | null)?.name === "GoDaddyApiError" &&
    (error as { status?: unknown }).status === 404
  );
}

export interface GoDaddyClientOptions {
  key: string;
  secret: string;
  /** Defaults to https://api.godaddy.com. */
  baseUrl?: string;
  fetch?: typeof fetch;
  /** Retries after the first attempt (429 always; 5xx and network errors for GET/PUT/DELETE). */
  maxRetries?: number;
  /** Longest single wait, in milliseconds; a longer Retry-After fails instead of hanging. */
  maxDelayMs?: number;
  /** Deadline of one attempt (connect, headers and body), in milliseconds. Default 30 s. */
  timeoutMs?: number;
}

// Functions, not module-level Sets: Pulumi's closure serializer turns a captured Set into a
// plain object, whose `has` then fails in the provider host.
function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

function isIdempotent(method: string): boolean {
  return method === "GET" || method === "PUT" || method === "DELETE" || method === "HEAD";
}

function retryDelayMs(attempt: number, retryAfterSec: number | undefined): number {
  if (retryAfterSec !== undefined && Number.isFinite(retryAfterSec) && retryAfterSec >= 0) {
    return retryAfterSec * 1000;
  }
  return Math.min(300 * 2 ** (attempt - 1), 10_000);
}

function parseRetryAfter(header: string | null, body: unknown): number | undefined {
  const fromBody = (body as { retryAfterSec?: unknown } | undefined)?.retryAfterSec;
  if (typeof fromBody === "number") return fromBody;
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return seconds;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - Date.now()) / 1000);
}

export class GoDaddyClient {
  readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;
  private readonly maxRetries: number;
  private readonly maxDelayMs: number;
  private readonly timeoutMs: number;
  declare private readonly authorization: string;

  constructor(options: GoDaddyClientOptions) {
    this.baseUrl = (options.baseUrl ?? GODADDY_PRODUCTION_URL).replace(/\/+$/, "");
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.maxRetries = options.maxRetries ?? 5;
    this.maxDelayMs = options.maxDelayMs ?? 120_000;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    // Not enumerable, so neither logging nor serializing the client shows the credentials.
    Object.defineProperty(this, "authorization", {
      value: `sso-key ${options.key}:${options.secret}`,
      enumerable: false,
    });
  }

  /** Sends one request, retrying 429 (and 5xx/network errors on idempotent methods). */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      let text: string;
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), this.timeoutMs);
      try {
        response = await this.fetchImpl(this.baseUrl + path, {
          method,
          headers: {
            Accept: "application/json",
            Authorization: this.authorization,
            ...(body === undefined ? {} : { "Content-Type": "application/json" }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: controller.signal,
        });
        text = await response.text();
      } catch (error) {
        clearTimeout(timer);
        // A request without an answer may still have been applied: repeat only idempotent ones.
        if (isIdempotent(method) && attempt <= this.maxRetries) {
          await sleep(retryDelayMs(attempt, undefined));
          continue;
        }
        const timedOut = controller.signal.aborted;
        const reason = timedOut
          ? `no answer within ${this.timeoutMs} ms`
          : error instanceof Error
            ? error.message
            : String(error);
        throw new GoDaddyApiError(0, timedOut ? "TIMEOUT" : "NETWORK_ERROR", reason, method, path);
      }
      clearTimeout(timer);
      let parsed: unknown = undefined;
      if (text) {
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
      }
      if (response.ok) return parsed as T;

      const retryAfterSec = parseRetryAfter(response.headers.get("retry-after"), parsed);
      const canRetry =
        isRetryableStatus(response.status) &&
        (response.status === 429 || isIdempotent(method)) &&
        attempt <= this.maxRetries;
      const delay = retryDelayMs(attempt, retryAfterSec);
      if (canRetry && delay <= this.maxDelayMs) {
        await sleep(delay);
        continue;
      }
      const errorBody = (parsed ?? {}) as { code?: unknown; message?: unknown };
      throw new GoDaddyApiError(
        response.status,
        typeof errorBody.code === "string" ? errorBody.code : `HTTP_${response.status}`,
        typeof errorBody.message === "string" ? errorBody.message : text.slice(0, 200),
        method,
        path,
        retryAfterSec,
      );
    }
  }

  /** The record set of one type and name; `[]` when there is none. */
  async getRecords(domain: string, type: string, name: string): Promise<GoDaddyRecord[]> {
    const records = await this.request<GoDaddyRecord[] | undefined>(
      "GET",
      recordPath(domain, type, name),
    );
    return records ?? [];
  }

  /** Replaces the record set of one type and name (never the zone). */
  async replaceRecords(
    domain: string,
    type: string,
    name: string,
    records: GoDaddyRecord[],
  ): Promise<void> {
    await this.request("PUT", recordPath(domain, type, name), records);
  }

  /** Deletes the record set of one type and name. */
  async deleteRecords(domain: string, type: string, name: string): Promise<void> {
    await this.request("DELETE", recordPath(domain, type, name));
  }
}

export function recordPath(domain: string, type: string, name: string): string {
  return `/v1/domains/${encodeURIComponent(domain)}/records/${encodeURIComponent(type)}/${encodeURIComponent(name)}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A client from GODADDY_API_KEY, GODADDY_API_SECRET and GODADDY_API_URL, read at call time. */
export function godaddyClientFromEnv(): GoDaddyClient {
  const key = process.env["GODADDY_API_KEY"];
  const secret = process.env["GODADDY_API_SECRET"];
  if (!key || !secret) {
    throw new Error(
      "GoDaddy credentials missing: set GODADDY_API_KEY and GODADDY_API_SECRET (from https://developer.godaddy.com/keys; " +
        `OTE keys need GODADDY_API_URL=${GODADDY_OTE_URL}), or set \`dns: manual\` in gyana:domains`,
    );
  }
  return new GoDaddyClient({ key, secret, baseUrl: process.env["GODADDY_API_URL"] || undefined });
}
