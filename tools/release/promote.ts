// Carries out a promotion and follows it to the end: the promotion itself, the target's entry
// in it, and the release it created on the target (whose release phase runs the migrations).
import type { HerokuClient } from "../../providers/heroku/client";
import { apiId, seg } from "../../providers/heroku/providerKit";
import type { Io } from "./cli";
import type { ReleasePlan } from "./plan";
import { pollUntil, type Clock } from "./poll";
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

export async function promote(
  client: HerokuClient,
  plan: ReleasePlan,
  deps: { io: Io; clock: Clock },
): Promise<Release> {
  const { source, target, pipeline } = plan;
  const { io, clock } = deps;
  io.err(`Promoting ${source.app.name} v${source.release.version} to ${target.app.name}.`);
  // Pin the source release seen in the plan: a deploy to the source meanwhile is not promoted.
  const promotion = await client.post<Promotion>("/pipeline-promotions", {
    pipeline: { id: pipeline.id },
    source: { app: { id: source.app.id }, release: { id: source.release.id } },
    targets: [{ app: { id: target.app.id } }],
  });
  const promotionPath = `/pipeline-promotions/${seg(apiId(promotion.id, "the promotion"))}`;
  await pollUntil(
    () => client.get<Promotion>(promotionPath),
    (p) => p.status === "completed",
    clock,
    {
      what: `promotion ${promotion.id}`,
      timeoutMs: RELEASE_PHASE_TIMEOUT_MS,
      describe: (p) => `status ${p.status}`,
      onWait: (p) => io.err(`  promotion ${p.status}, waiting`),
    },
  );
  const entry = await pollUntil(
    async () => {
      const targets = await client.list<PromotionTarget>(`${promotionPath}/promotion-targets`);
      return targets.find((t) => t.app.id === target.app.id);
    },
    (t) => t === undefined || t.status !== "pending" || t.release !== null,
    clock,
    { what: `the promotion to ${target.app.name}`, timeoutMs: RELEASE_PHASE_TIMEOUT_MS },
  );
  if (!entry) throw new Error(`promotion ${promotion.id} has no target ${target.app.name}`);
  if (entry.status === "failed" || !entry.release) {
    throw new Error(
      `the promotion to ${target.app.name} failed: ${entry.error_message ?? "no reason given"}`,
    );
  }
  const release = await waitForRelease(client, target.app.name, entry.release.id, clock, {
    onWait: (r) =>
      io.err(`  ${target.app.name} v${r.version} is ${r.status} (release phase), waiting`),
  });
  if (release.status !== "succeeded") {
    throw new Error(
      `${target.app.name}'s release v${release.version} is ${release.status}: its release phase ` +
        `failed, so Heroku kept the previous release running. See heroku releases:output ` +
        `v${release.version} --app ${target.app.name}`,
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
