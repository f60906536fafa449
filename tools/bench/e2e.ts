// Figures of the emulated end-to-end `pulumi up` of prod: Heroku API requests of a fresh up, of a
// no-op up (target: 0 writes) and of a one-value change, the wall time of the run, and how long a
// fresh up takes when every add-on needs D seconds to provision. No resource waits for an add-on,
// and the add-on create requests of one app are queued (Heroku refuses overlapping ones,
// providers/heroku/addon.ts) while their provisioning overlaps, so the Heroku part of a fresh up
// should last about D plus the queued requests, not 2 × D as a lock held through provisioning
// (terraform-provider-heroku's) would make it.
import { changedSteps, upStack, type EngineState, type UpResult } from "../emulatedUp";
import { rehearsalOverrides } from "../stackFile";
import { e2eSecrets, requireProgramFresh, startE2eEnvironment, writesOf } from "../e2e/run";

const STACK = "prod";
const PROCESS_TYPES = {
  web: "gunicorn",
  worker: "celery",
  priority: "celery",
  beat: "celery beat",
};

interface Timed {
  result: UpResult;
  ms: number;
  requests: number;
  writes: string[];
  /** First request's arrival to the last one's, ms (the part the API calls take). */
  apiSpanMs: number;
  /** Arrival of each add-on create request, ms after the first request. */
  addonPostsAtMs: number[];
  /**
   * First add-on create request to the last request of the add-on waits (their polls of the
   * add-on and of the app's config vars), ms: the add-ons' part of the critical path.
   */
  addonPathMs: number;
}

/**
 * When each request reaches the emulator. The providers run in Pulumi's dynamic provider host, a
 * separate process, so their `fetch` cannot be wrapped here: the emulator's request log is timed.
 */
function trackArrivals(env: Awaited<ReturnType<typeof startE2eEnvironment>>): {
  spans: [number, number][];
  restore(): void;
} {
  const requests = env.heroku.requests;
  const original = requests.push;
  const spans: [number, number][] = [];
  requests.push = (...items) => {
    const now = performance.now();
    for (let i = 0; i < items.length; i++) spans.push([now, now]);
    return original.apply(requests, items);
  };
  return { spans, restore: () => (requests.push = original) };
}

async function timedUp(
  env: Awaited<ReturnType<typeof startE2eEnvironment>>,
  state: EngineState | undefined,
  secrets: Record<string, string>,
): Promise<Timed> {
  env.heroku.resetCounts();
  const tracker = trackArrivals(env);
  const started = performance.now();
  try {
    const result = await upStack(STACK, {
      program: requireProgramFresh,
      secrets,
      overrides: rehearsalOverrides(STACK, "e2e", secrets),
      ...(state ? { state } : {}),
    });
    const spans = tracker.spans;
    const apiSpanMs =
      spans.length > 0
        ? Math.max(...spans.map((s) => s[1])) - Math.min(...spans.map((s) => s[0]))
        : 0;
    const start = spans[0]?.[0] ?? 0;
    const addonPostsAtMs = env.heroku.requests.flatMap((r, i) =>
      r.route === "POST /apps/{app}/addons" && spans[i] ? [spans[i][0] - start] : [],
    );
    const isPost = (route: string) => route === "POST /apps/{app}/addons";
    const firstPost = env.heroku.requests.findIndex((r) => isPost(r.route));
    const waits = env.heroku.requests.flatMap((r, i) =>
      i > firstPost &&
      (r.route === "GET /apps/{app}/addons/{addon}" || r.route === "GET /apps/{app}/config-vars")
        ? [i]
        : [],
    );
    const lastWait = waits.at(-1);
    const addonPathMs =
      firstPost >= 0 && lastWait !== undefined ? spans[lastWait]![0] - spans[firstPost]![0] : 0;
    return {
      result,
      ms: performance.now() - started,
      requests: env.heroku.requests.length,
      writes: writesOf(env.heroku),
      apiSpanMs,
      addonPostsAtMs,
      addonPathMs,
    };
  } finally {
    tracker.restore();
  }
}

const round = (ms: number) => `${Math.round(ms)} ms`;

function line(label: string, t: Timed): string {
  return (
    `${label}: ${t.requests} Heroku requests, ${t.writes.length} writes, ` +
    `${changedSteps(t.result.steps).length} resources changed, ${round(t.ms)}`
  );
}

export async function benchE2e(delaySeconds = 2): Promise<string[]> {
  const lines: string[] = [];
  const secrets = await e2eSecrets();
  const runStarted = performance.now();

  const env = await startE2eEnvironment();
  try {
    const fresh = await timedUp(env, undefined, secrets);
    lines.push(line("fresh prod up", fresh));
    env.heroku.state.deploy("gyana-beta", { processTypes: PROCESS_TYPES });
    const scaled = await timedUp(env, fresh.result.state, secrets);
    lines.push(line("up after the first deploy (formation)", scaled));
    const noop = await timedUp(env, scaled.result.state, secrets);
    lines.push(`${line("no-op up", noop)} (target 0 writes)`);
    const changed = await timedUp(env, noop.result.state, {
      ...secrets,
      "gyana:sendgridApiKey": "bench-sendgrid-key-rotated",
    });
    lines.push(
      `${line("one secret changed (SENDGRID_API_KEY)", changed)}: ${changed.writes.join(", ")}`,
    );
  } finally {
    await env.close();
  }
  lines.push(`e2e run (4 ups of prod): ${round(performance.now() - runStarted)}`);

  // The add-on delay: the same fresh up with instant and with D-second provisioning.
  const D = delaySeconds * 1000;
  const spans: Record<string, Timed> = {};
  for (const [label, delay] of [
    ["instant", 0],
    [`D=${delaySeconds}s`, D],
  ] as const) {
    const delayed = await startE2eEnvironment({ addonProvisioningDelayMs: delay });
    try {
      spans[label] = await timedUp(delayed, undefined, secrets);
    } finally {
      await delayed.close();
    }
  }
  const instant = spans["instant"]!;
  const slow = spans[`D=${delaySeconds}s`]!;
  const oneWrite = instant.apiSpanMs / Math.max(1, instant.requests);
  lines.push(
    `fresh prod up, add-ons provisioned at once: wall ${round(instant.ms)}, Heroku API span ${round(instant.apiSpanMs)}`,
  );
  lines.push(
    `fresh prod up, add-ons take D=${D} ms: wall ${round(slow.ms)}, Heroku API span ${round(slow.apiSpanMs)} ` +
      `= ${(slow.apiSpanMs / D).toFixed(2)} × D (target ≤ 1.10 × D + one write ≈ ${round(1.1 * D + oneWrite)}); ` +
      `wall minus the instant run: ${round(slow.ms - instant.ms)}`,
  );
  const [firstPost = 0, secondPost = 0] = slow.addonPostsAtMs;
  lines.push(
    `add-ons of one app (Heroku refuses overlapping creates): ${slow.addonPostsAtMs.length} POSTs ` +
      `queued, the second ${round(secondPost - firstPost)} after the first; first POST to both ` +
      `ready: ${round(slow.addonPathMs)} = ${(slow.addonPathMs / D).toFixed(2)} × D (the slowest ` +
      `add-on alone: 1 × D; a lock held through provisioning, as terraform-provider-heroku's, ` +
      `would make it ≥ 2 × D = ${round(2 * D)})`,
  );
  return lines;
}

if (require.main === module) {
  void benchE2e().then((lines) => {
    for (const l of lines) console.log(l);
  });
}
