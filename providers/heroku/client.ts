// The one HTTP client every Heroku dynamic provider goes through: base URL, v3 Accept header,
// bearer token, Range pagination, retries only where a retry is safe, a deadline per attempt, a
// deadline per call (all attempts and retry waits together) and typed errors that never carry the
// token.
//
// This module is serialized into stack state together with the providers that use it, and run by
// Pulumi's dynamic provider host: it must not ES-import Node built-ins and keeps no module-level
// state (see DESIGN.md "Toolchain facts"). The classes are made inside `herokuClientClasses`,
// which refers to nothing outside itself (test/heroku/serializedProviders.test.ts holds it to
// that).

export type HttpMethod = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

export interface RetryEvent {
  method: HttpMethod;
  path: string;
  /** 1 for the first retry. */
  attempt: number;
  delayMs: number;
  /** HTTP status that caused the retry, or undefined for a network error / timeout. */
  status: number | undefined;
  reason: string;
}

export interface HerokuClientOptions {
  /** API key or OAuth token. Never logged, never part of an error. */
  token: string;
  /** Default `https://api.heroku.com`; tests point it at the emulator. */
  baseUrl?: string;
  /** Default: the global `fetch`. */
  fetch?: typeof fetch;
  /** Default `gyana-infra/<version>`. */
  userAgent?: string;
  /** Retries after the first attempt. Default 5. */
  maxRetries?: number;
  /** First backoff delay; doubles each retry. Default 500 ms. */
  baseDelayMs?: number;
  /** Cap of one computed backoff delay. Default 30 s. */
  maxDelayMs?: number;
  /** Longest `Retry-After` the client waits for; a longer one fails the call. Default 5 min. */
  maxRetryAfterMs?: number;
  /** Deadline of one attempt (connect, headers and body). Default 30 s. */
  timeoutMs?: number;
  /**
   * Deadline of one call: every attempt and every wait between them. A retry whose wait would
   * pass it fails the call at once instead. Default 10 min.
   */
  deadlineMs?: number;
  /** Clock for the call deadline. Default `Date.now`. Tests inject one that `sleep` advances. */
  now?: () => number;
  /** Default: a `setTimeout` promise. Tests inject one that records delays. */
  sleep?: (ms: number) => Promise<void>;
  /** Called before each retry. Default: one line on stderr. */
  onRetry?: (event: RetryEvent) => void;
  /** Jitter source in [0, 1). Default `Math.random`. */
  random?: () => number;
}

export interface ListOptions {
  /** Page size sent as `Range: id ..; max=<n>` (Heroku default 200, maximum 1000). */
  pageSize?: number;
  /** Sort field of the first Range header. Default `id`. */
  rangeField?: string;
}

/** The request a failed call made, with the credentials redacted (as octokit does). */
export interface RedactedRequest {
  method: HttpMethod;
  url: string;
  headers: Record<string, string>;
}

/**
 * The client's classes, made by a function that refers to nothing outside itself. Pulumi's closure
 * serializer walks every function and object a provider captures through V8's inspector, a few
 * milliseconds each, at the start of every preview and up; the client as one function is one walk
 * where its classes and helpers were fifteen, in each of the 12 providers that use it
 * (docs/benchmarks.md). Providers reach it only through `herokuClientFromEnv`, which calls this
 * when it runs; the exports below are for code that is not serialized.
 */
export function herokuClientClasses() {
  const CLIENT_VERSION = "1.0.0";
  const DEFAULT_BASE_URL = "https://api.heroku.com";
  const REDACTED = "[REDACTED]";

  /**
   * A failed Heroku API call. Check it with `isNotFound`/`isApiError` rather than `instanceof`:
   * every call of `herokuClientClasses` makes a class of its own (each client `herokuClientFromEnv`
   * makes, each serialized provider). `status` is 0 when no HTTP answer arrived (network error,
   * timeout).
   * `errorId` is Heroku's error id (`not_found`, `invalid_params`, `rate_limit`, ...).
   *
   * Never name a field of a thrown error `id`: Pulumi's dynamic provider host reads an error with a
   * truthy `id` from `create`/`update` as "created but failed to initialize" and the engine saves a
   * resource under that id (`grpcResponseFromError` in @pulumi/pulumi cmd/dynamic-provider).
   */
  class HerokuApiError extends Error {
    readonly status: number;
    readonly errorId: string;
    readonly requestId: string | undefined;
    readonly method: HttpMethod;
    readonly path: string;
    readonly request: RedactedRequest;

    constructor(fields: {
      status: number;
      errorId: string;
      message: string;
      requestId: string | undefined;
      method: HttpMethod;
      path: string;
      request: RedactedRequest;
    }) {
      const where = `${fields.method} ${fields.path}`;
      const rid = fields.requestId ? ` (request id ${fields.requestId})` : "";
      const status = fields.status ? `${fields.status} ${fields.errorId}` : fields.errorId;
      const message = `Heroku API ${where} failed: ${status}: ${fields.message}${rid}`;
      super(message);
      // Once serialized into state, `super` becomes `Error.call(this, ...)`, which sets neither the
      // message nor the stack on `this`: set both explicitly so hosted errors read the same.
      this.message = message;
      this.name = "HerokuApiError";
      Error.captureStackTrace?.(this, HerokuApiError);
      this.status = fields.status;
      this.errorId = fields.errorId;
      this.requestId = fields.requestId;
      this.method = fields.method;
      this.path = fields.path;
      this.request = fields.request;
    }

    toJSON(): Record<string, unknown> {
      return {
        name: this.name,
        message: this.message,
        status: this.status,
        errorId: this.errorId,
        requestId: this.requestId,
        method: this.method,
        path: this.path,
        request: this.request,
      };
    }
  }

  function parseRetryAfter(value: string | null, now: number): number | undefined {
    if (value === null || value.trim() === "") return undefined;
    const seconds = Number(value);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(value);
    return Number.isNaN(date) ? undefined : Math.max(0, date - now);
  }

  /** undici says only "fetch failed"; the useful part (ECONNREFUSED, ENOTFOUND) is its cause. */
  function describeNetworkError(err: unknown): string {
    if (!(err instanceof Error)) return String(err);
    const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
    const detail = cause ? String(cause.code ?? cause.message ?? "") : "";
    return detail && !err.message.includes(detail) ? `${err.message}: ${detail}` : err.message;
  }

  function isRetryableStatus(method: HttpMethod, status: number): boolean {
    // A POST that reached the server may have created something: repeat it only when Heroku
    // says it refused the call outright (rate limit).
    if (method === "POST") return status === 429;
    return status === 408 || status === 429 || status >= 500;
  }

  class HerokuClient {
    private readonly token: string;
    private readonly baseUrl: string;
    private readonly fetchImpl: typeof fetch;
    private readonly userAgent: string;
    private readonly maxRetries: number;
    private readonly baseDelayMs: number;
    private readonly maxDelayMs: number;
    private readonly maxRetryAfterMs: number;
    private readonly timeoutMs: number;
    private readonly deadlineMs: number;
    private readonly now: () => number;
    private readonly sleep: (ms: number) => Promise<void>;
    private readonly onRetry: (event: RetryEvent) => void;
    private readonly random: () => number;

    constructor(options: HerokuClientOptions) {
      if (!options.token) throw new Error("HerokuClient needs a token");
      this.token = options.token;
      this.baseUrl = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, "");
      this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
      this.userAgent = options.userAgent ?? `gyana-infra/${CLIENT_VERSION}`;
      this.maxRetries = options.maxRetries ?? 5;
      this.baseDelayMs = options.baseDelayMs ?? 500;
      this.maxDelayMs = options.maxDelayMs ?? 30_000;
      this.maxRetryAfterMs = options.maxRetryAfterMs ?? 300_000;
      this.timeoutMs = options.timeoutMs ?? 30_000;
      this.deadlineMs = options.deadlineMs ?? 600_000;
      this.now = options.now ?? (() => Date.now());
      this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
      this.onRetry =
        options.onRetry ??
        ((e) =>
          console.error(
            `heroku: ${e.method} ${e.path}: ${e.reason}; retry ${e.attempt} in ${Math.round(e.delayMs)} ms`,
          ));
      this.random = options.random ?? Math.random;
    }

    get<T>(path: string): Promise<T> {
      return this.request<T>("GET", path).then((r) => r.body);
    }

    /** `headers`: extra request headers, e.g. `Heroku-Two-Factor-Code` (redacted in errors). */
    post<T>(path: string, body?: unknown, headers?: Record<string, string>): Promise<T> {
      return this.request<T>("POST", path, body, undefined, headers).then((r) => r.body);
    }

    patch<T>(path: string, body?: unknown): Promise<T> {
      return this.request<T>("PATCH", path, body).then((r) => r.body);
    }

    put<T>(path: string, body?: unknown): Promise<T> {
      return this.request<T>("PUT", path, body).then((r) => r.body);
    }

    delete<T>(path: string, body?: unknown): Promise<T> {
      return this.request<T>("DELETE", path, body).then((r) => r.body);
    }

    /** GETs every page of a list, following `206 Partial Content` + `Next-Range`. */
    async list<T>(path: string, options: ListOptions = {}): Promise<T[]> {
      const items: T[] = [];
      let range: string | undefined =
        options.pageSize !== undefined
          ? `${options.rangeField ?? "id"} ..; max=${options.pageSize};`
          : undefined;
      for (let page = 0; page < 10_000; page++) {
        const response = await this.request<T[]>("GET", path, undefined, range);
        if (!Array.isArray(response.body)) {
          throw new Error(`Heroku API GET ${path} returned a non-list body`);
        }
        items.push(...response.body);
        const next = response.headers.get("next-range");
        if (response.status !== 206 || !next) return items;
        range = next;
      }
      throw new Error(`Heroku API GET ${path}: too many pages`);
    }

    private redactedHeaders(headers: Record<string, string>): Record<string, string> {
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(headers)) {
        const name = k.toLowerCase();
        out[name] =
          name === "authorization"
            ? `Bearer ${REDACTED}`
            : name === "heroku-two-factor-code"
              ? REDACTED
              : v;
      }
      return out;
    }

    /** Removes the token from text that came back from elsewhere (server or network errors). */
    private scrub(text: string): string {
      return text.split(this.token).join(REDACTED);
    }

    private async request<T>(
      method: HttpMethod,
      path: string,
      body?: unknown,
      range?: string,
      extraHeaders: Record<string, string> = {},
    ): Promise<{ status: number; headers: Headers; body: T }> {
      const url = `${this.baseUrl}${path.startsWith("/") ? path : `/${path}`}`;
      const headers: Record<string, string> = {
        ...extraHeaders,
        Accept: "application/vnd.heroku+json; version=3",
        Authorization: `Bearer ${this.token}`,
        "User-Agent": this.userAgent,
      };
      if (body !== undefined) headers["Content-Type"] = "application/json";
      if (range !== undefined) headers["Range"] = range;
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const pathOnly = path.split("?")[0] ?? path;
      const request: RedactedRequest = { method, url, headers: this.redactedHeaders(headers) };

      const started = this.now();
      // Before each retry wait: a wait that would end past the call's deadline fails the call now.
      const withinDeadline = (delayMs: number, status: number, why: string): void => {
        const elapsed = this.now() - started;
        if (elapsed + delayMs <= this.deadlineMs) return;
        throw new HerokuApiError({
          status,
          errorId: "deadline_exceeded",
          message:
            `${why}; waiting ${Math.round(delayMs)} ms more for a retry would pass the call's ` +
            `deadline of ${this.deadlineMs} ms (${Math.round(elapsed)} ms spent; ` +
            "HEROKU_API_DEADLINE_MS sets it)",
          requestId: undefined,
          method,
          path: pathOnly,
          request,
        });
      };

      for (let attempt = 0; ; attempt++) {
        const controller = new AbortController();
        // One attempt never runs past the call's deadline either.
        const remaining = this.deadlineMs - (this.now() - started);
        const attemptMs = Math.max(1, Math.min(this.timeoutMs, remaining));
        const timer = setTimeout(() => controller.abort(), attemptMs);
        let response: Response;
        let text: string;
        try {
          response = await this.fetchImpl(url, {
            method,
            headers,
            body: payload,
            signal: controller.signal,
          });
          text = await response.text();
        } catch (err) {
          clearTimeout(timer);
          const timedOut = controller.signal.aborted;
          const reason = timedOut
            ? `no answer within ${attemptMs} ms`
            : this.scrub(describeNetworkError(err));
          // A request that never got an answer may still have reached the server: only repeat
          // methods whose repetition is harmless.
          if (method !== "POST" && attempt < this.maxRetries) {
            const delayMs = this.backoff(attempt);
            withinDeadline(delayMs, 0, reason);
            this.onRetry({
              method,
              path: pathOnly,
              attempt: attempt + 1,
              delayMs,
              status: undefined,
              reason,
            });
            await this.sleep(delayMs);
            continue;
          }
          throw new HerokuApiError({
            status: 0,
            errorId: timedOut ? "timeout" : "network_error",
            message: reason,
            requestId: undefined,
            method,
            path: pathOnly,
            request,
          });
        }
        clearTimeout(timer);

        const requestId = response.headers.get("request-id") ?? undefined;
        if (response.ok) {
          let parsed: unknown = undefined;
          if (text !== "") {
            try {
              parsed = JSON.parse(text);
            } catch {
              throw new HerokuApiError({
                status: response.status,
                errorId: "invalid_json",
                message: "the response body is not JSON",
                requestId,
                method,
                path: pathOnly,
                request,
              });
            }
          }
          return { status: response.status, headers: response.headers, body: parsed as T };
        }

        let errorId = `http_${response.status}`;
        let message = response.statusText || "request failed";
        try {
          const parsed = JSON.parse(text) as { id?: unknown; message?: unknown };
          if (typeof parsed.id === "string") errorId = parsed.id;
          if (typeof parsed.message === "string") message = parsed.message;
        } catch {
          if (text.trim() !== "") message = text.trim().slice(0, 300);
        }
        message = this.scrub(message);

        if (isRetryableStatus(method, response.status) && attempt < this.maxRetries) {
          const retryAfter = parseRetryAfter(response.headers.get("retry-after"), Date.now());
          if (retryAfter === undefined || retryAfter <= this.maxRetryAfterMs) {
            const delayMs = retryAfter ?? this.backoff(attempt);
            withinDeadline(delayMs, response.status, `${response.status} ${errorId}: ${message}`);
            this.onRetry({
              method,
              path: pathOnly,
              attempt: attempt + 1,
              delayMs,
              status: response.status,
              reason: `${response.status} ${errorId}`,
            });
            await this.sleep(delayMs);
            continue;
          }
        }
        throw new HerokuApiError({
          status: response.status,
          errorId,
          message,
          requestId,
          method,
          path: pathOnly,
          request,
        });
      }
    }

    /** `base * 2^attempt`, capped, with jitter in [50%, 100%] so parallel applies spread out. */
    private backoff(attempt: number): number {
      const exp = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** attempt);
      return exp / 2 + (exp / 2) * this.random();
    }
  }

  return { HerokuApiError, HerokuClient };
}

export const { HerokuApiError, HerokuClient } = herokuClientClasses();
export type HerokuApiError = InstanceType<typeof HerokuApiError>;
export type HerokuClient = InstanceType<typeof HerokuClient>;

/** True for a 404 from the API: the thing is gone (or never existed). */
export function isNotFound(err: unknown): boolean {
  return err instanceof Error && (err as { status?: unknown }).status === 404;
}

/** True for a Heroku API error with this HTTP status (and, when given, this error id). */
export function isApiError(err: unknown, status: number, errorId?: string): err is HerokuApiError {
  if (!(err instanceof Error)) return false;
  const e = err as { status?: unknown; errorId?: unknown };
  return e.status === status && (errorId === undefined || e.errorId === errorId);
}

/**
 * A client for the provider host's environment, read when called (never at import time, so no
 * value is captured into the serialized provider): `HEROKU_API_KEY` (required) and
 * `HEROKU_API_URL` (optional, the emulator in tests). `HEROKU_API_TIMEOUT_MS` overrides the
 * per-attempt deadline, `HEROKU_API_DEADLINE_MS` the per-call one.
 */
export function herokuClientFromEnv(overrides: Partial<HerokuClientOptions> = {}): HerokuClient {
  // Trimmed: a key pasted or read from a file often ends in a newline, an invalid header value.
  const token = process.env["HEROKU_API_KEY"]?.trim();
  if (!token) {
    throw new Error(
      "HEROKU_API_KEY is not set: export a Heroku API key (`heroku authorizations:create` or " +
        "`heroku auth:token`) before running pulumi",
    );
  }
  const baseUrl = process.env["HEROKU_API_URL"] || undefined;
  const timeout = Number(process.env["HEROKU_API_TIMEOUT_MS"]);
  const deadline = Number(process.env["HEROKU_API_DEADLINE_MS"]);
  const { HerokuClient: Client } = herokuClientClasses();
  return new Client({
    token,
    baseUrl,
    ...(Number.isFinite(timeout) && timeout > 0 ? { timeoutMs: timeout } : {}),
    ...(Number.isFinite(deadline) && deadline > 0 ? { deadlineMs: deadline } : {}),
    ...overrides,
  });
}
