// Carries out a promotion and follows it to the end: the promotion itself (with a second factor
// when Heroku asks for one), the target's entry in it, and the release it created on the target
// (whose release phase runs the migrations).
import { isApiError, type HerokuClient } from "../../providers/heroku/client";
import { apiId, seg } from "../../providers/heroku/providerKit";
import { RefusedError, type Io } from "./cli";
import type { ReleasePlan } from "./plan";
import { describeWait, pollUntil, type Clock } from "./poll";
import { waitForRelease, type Release, RELEASE_PHASE_TIMEOUT_MS } from "./releases";

interface Promotion {
  id: string;
  status: "pending" | "completed";
}

interface PromotionTarget {
  id: string;
  app: { id: string };
  status: "pending" | "succeeded" | "failed";
  error_message: string | null;
  release: { id: string } | null;
}

/** Heroku did not accept the promotion: nothing was changed on the target. */
export class PromotionNotStartedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PromotionNotStartedError";
  }
}

/** The target's new release failed its release phase: migrations may be partly applied. */
export class ReleasePhaseError extends Error {
  constructor(
    message: string,
    readonly version: number,
  ) {
    super(message);
    this.name = "ReleasePhaseError";
  }
}

/** Where a second factor comes from: given ahead (flag or env var), else asked on a terminal. */
export interface SecondFactor {
  given?: string;
}

/** Codes asked on a terminal before giving up (the CLI asks until one works). */
const TWO_FACTOR_ATTEMPTS = 3;

function twoFactorCode(io: Io, app: string, factor: SecondFactor, attempt: number) {
  if (attempt === 1 && factor.given) return Promise.resolve(factor.given);
  const rejected = attempt > 1 ? "That code was not accepted. " : "";
  if (!io.interactive) {
    throw new RefusedError(
      `${rejected}Heroku asks for a second factor to promote to ${app} (403 two_factor) and ` +
        `there is no terminal to ask on: pass --two-factor-code <code> or set ` +
        `HEROKU_TWO_FACTOR_CODE (a code works once). Nothing was changed.`,
    );
  }
  return io.ask(`${rejected}Heroku asks for a second factor. Two-factor code: `, { secret: true });
}

/**
 * `POST /pipeline-promotions`, retried with a `Heroku-Two-Factor-Code` header when Heroku answers
 * 403 `two_factor`, as the heroku CLI does (heroku/cli src/commands/pipelines/promote.ts). Only
 * this POST is retried: a counter-based code works for one request (heroku/heroku-pipelines#38).
 */
async function createPromotion(
  client: HerokuClient,
  body: unknown,
  io: Io,
  app: string,
  factor: SecondFactor,
): Promise<Promotion> {
  let code: string | undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      const headers = code ? { "Heroku-Two-Factor-Code": code } : undefined;
      return await client.post<Promotion>("/pipeline-promotions", body, headers);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      if (!isApiError(error, 403, "two_factor")) throw new PromotionNotStartedError(why);
      if (attempt > TWO_FACTOR_ATTEMPTS) {
        throw new PromotionNotStartedError(`no two-factor code was accepted: ${why}`);
      }
      code = (await twoFactorCode(io, app, factor, attempt)).trim();
      if (!code) throw new RefusedError("no two-factor code was given. Nothing was changed.");
    }
  }
}

export async function promote(
  client: HerokuClient,
  plan: ReleasePlan,
  deps: { io: Io; clock: Clock; secondFactor?: SecondFactor },
): Promise<Release> {
  const { source, target, pipeline } = plan;
  const { io, clock } = deps;
  io.err(`Promoting ${source.app.name} v${source.release.version} to ${target.app.name}.`);
  // Pin the source release seen in the plan: a deploy to the source meanwhile is not promoted.
  const body = {
    pipeline: { id: pipeline.id },
    source: { app: { id: source.app.id }, release: { id: source.release.id } },
    targets: [{ app: { id: target.app.id } }],
  };
  const promotion = await createPromotion(
    client,
    body,
    io,
    target.app.name,
    deps.secondFactor ?? {},
  );
  const promotionPath = `/pipeline-promotions/${seg(apiId(promotion.id, "the promotion"))}`;
  await pollUntil(
    () => client.get<Promotion>(promotionPath),
    (p) => p.status === "completed",
    clock,
    {
      what: `promotion ${promotion.id}`,
      timeoutMs: RELEASE_PHASE_TIMEOUT_MS,
      describe: (p) => `status ${p.status}`,
      onWait: (p, _delay, progress) =>
        io.err(`  promotion ${p.status}, waiting (${describeWait(progress)})`),
    },
  );
  const entry = await pollUntil(
    async () => {
      const targets = await client.list<PromotionTarget>(`${promotionPath}/promotion-targets`);
      return targets.find((t) => t.app.id === target.app.id);
    },
    (t) => t === undefined || t.status !== "pending" || t.release !== null,
    clock,
    {
      what: `the promotion to ${target.app.name}`,
      timeoutMs: RELEASE_PHASE_TIMEOUT_MS,
      onWait: (_t, _delay, progress) =>
        io.err(`  waiting for ${target.app.name}'s new release (${describeWait(progress)})`),
    },
  );
  if (!entry) throw new Error(`promotion ${promotion.id} has no target ${target.app.name}`);
  if (entry.status === "failed" || !entry.release) {
    throw new Error(
      `the promotion to ${target.app.name} failed: ${entry.error_message ?? "no reason given"}`,
    );
  }
  const release = await waitForRelease(client, target.app.name, entry.release.id, clock, {
    onWait: (r, waited) =>
      io.err(
        `  ${target.app.name} v${r.version} is ${r.status} (release phase), waiting (${waited})`,
      ),
  });
  if (release.status !== "succeeded") {
    throw new ReleasePhaseError(
      `${target.app.name}'s release v${release.version} is ${release.status}: its release phase ` +
        `failed, so Heroku kept the previous release running. See heroku releases:output ` +
        `v${release.version} --app ${target.app.name}`,
      release.version,
    );
  }
  if (release.slug?.id && release.slug.id !== source.release.slug?.id) {
    throw new Error(
      `${target.app.name} v${release.version} runs slug ${release.slug.id}, not the promoted ` +
        `${source.release.slug?.id}`,
    );
  }
  return release;
}
