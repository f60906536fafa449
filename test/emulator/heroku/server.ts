// The emulator's lifecycle: options, the listening server, and the handle tests hold.
import { randomUUID } from "node:crypto";
import { listenEmulator, type Listener } from "../listen";
import { Faults, RateLimiter, type Fault } from "./faults";
import { createRequestHandler, type RecordedRequest } from "./handler";
import { checkRouteKeys } from "./routes";
import { EmulatorState } from "./state";

export type { RecordedRequest } from "./handler";

export interface HerokuEmulatorOptions {
  /** Page size the server uses for lists (default 200); when set, also the largest page served. */
  pageSize?: number;
  /** Info GETs of a new add-on that still answer `provisioning` (default 2). */
  addonProvisioningPolls?: number;
  /** Alternative to polls: wall-clock delay before an add-on is provisioned. */
  addonProvisioningDelayMs?: number;
  /**
   * GETs of a new custom domain (info or list) that still answer `cname: null` after the create,
   * which always does (default 1).
   */
  domainCnamePolls?: number;
  /**
   * Milliseconds an add-on create request takes to answer (default 25); another add-on create
   * for the same app meanwhile is refused, as Heroku does.
   */
  addonCreateLatencyMs?: number;
  /** The accepted bearer token (default random). */
  token?: string;
  /** Tokens in the rate-limit bucket (default 1,000,000); an empty bucket answers 429. */
  rateLimit?: number;
  /** Bucket refill rate (default 1.25 per second, Heroku's 4500 per hour). */
  rateLimitRefillPerSecond?: number;
  /** Port to listen on (default 0, a free port). */
  port?: number;
  /**
   * Answer on this process's shared emulator URL, with its token, when no other emulator holds
   * it (else on a server of its own): consecutive emulators keep one environment, so the
   * emulated engine keeps one dynamic provider host (test/emulator/listen.ts).
   */
  shared?: boolean;
}

/** The token of every emulator on the shared server, for this process's life. */
const SHARED_TOKEN = `HRKU-emulator-${randomUUID()}`;

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

export async function startHerokuEmulator(
  options: HerokuEmulatorOptions = {},
): Promise<HerokuEmulator> {
  checkRouteKeys();
  if (options.shared && (options.token !== undefined || options.port !== undefined)) {
    throw new Error("a shared Heroku emulator has the shared server's port and token");
  }
  const token = options.token ?? (options.shared ? SHARED_TOKEN : `HRKU-emulator-${randomUUID()}`);
  const pageSize = options.pageSize ?? 200;
  const pageCap = options.pageSize ?? 1000;
  const state = new EmulatorState({
    addonProvisioningPolls: options.addonProvisioningPolls ?? 2,
    addonProvisioningDelayMs: options.addonProvisioningDelayMs,
    domainCnamePolls: options.domainCnamePolls ?? 1,
    addonCreateLatencyMs: options.addonCreateLatencyMs ?? 25,
  });
  const faults = new Faults();
  const limiter = new RateLimiter(
    options.rateLimit ?? 1_000_000,
    options.rateLimitRefillPerSecond ?? 1.25,
  );
  const requests: RecordedRequest[] = [];
  const violations: string[] = [];

  let baseUrl = "";
  const handle = createRequestHandler({
    state,
    faults,
    limiter,
    requests,
    violations,
    token,
    pageSize,
    pageCap,
    baseUrl: () => baseUrl,
  });

  const listener: Listener = (req, res) => {
    handle(req, res).catch((err: unknown) => {
      violations.push(`emulator crashed: ${String(err)}`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  };
  const listening = await listenEmulator("heroku", listener, options);
  baseUrl = listening.url;

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
    close: () => listening.close(),
  };
}
