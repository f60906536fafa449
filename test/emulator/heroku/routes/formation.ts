import { formationShape } from "../shapes";
import { invalid, notFound, type Routes } from "../http";
import type { AppRecord, EmulatorState, FormationRecord } from "../state";

interface FormationUpdate {
  type?: string;
  quantity?: number;
  dyno_size?: { id?: string; name?: string };
  size?: string;
}

/**
 * Heroku's dyno tier rules, checked on the formation as it would be after the whole request (a
 * batch update is checked as one): refused with 422 and nothing changed.
 *  - Mixing: "If an app uses free dynos, it can use only free dynos for all of its process types.
 *    If an app uses hobby dynos, it can use only hobby dynos ... Apps that use standard and
 *    performance dynos can use different dyno types" (devcenter.heroku.com/articles/dyno-types;
 *    free/hobby are today's Eco/Basic). Message verbatim from terraform-provider-heroku#357:
 *    "Cannot use the following dyno types in the same app: Basic and Standard-1X".
 *  - "Apps running on Eco or Basic dynos can have only one dyno running per process type";
 *    "Apps running on Eco dynos can have a maximum of two concurrently running dynos"; at most 10
 *    dynos of one process type on Performance/Private/Shield; 100 per app
 *    (devcenter.heroku.com/articles/dyno-scaling-and-process-limits). The wording of those
 *    refusals is not published: the messages below are ours.
 * Only types with at least one dyno count (the sources speak of running dynos).
 */
function tierOf(size: string): string {
  const s = size.toLowerCase();
  if (s === "eco" || s === "basic") return s;
  if (s.startsWith("standard-")) return "standard";
  return s.split("-")[0] ?? s;
}

function checkTierRules(formation: { type: string; quantity: number; size: string }[]): void {
  const running = formation.filter((f) => f.quantity > 0);
  const tiers = new Set(running.map((f) => tierOf(f.size)));
  if ([...tiers].some((t) => t === "eco" || t === "basic") && tiers.size > 1) {
    const sizes = [...new Set(running.map((f) => f.size))].map(
      (s) => `${s.charAt(0).toUpperCase()}${s.slice(1)}`,
    );
    throw invalid(`Cannot use the following dyno types in the same app: ${sizes.join(" and ")}`);
  }
  for (const f of running) {
    const tier = tierOf(f.size);
    if ((tier === "eco" || tier === "basic") && f.quantity > 1) {
      throw invalid(`Cannot run more than 1 ${f.size} dyno per process type (${f.type}).`);
    }
    if (["performance", "private", "shield"].includes(tier) && f.quantity > 10) {
      throw invalid(`Cannot run more than 10 ${f.size} dynos of process type ${f.type}.`);
    }
  }
  const eco = running.filter((f) => tierOf(f.size) === "eco").reduce((n, f) => n + f.quantity, 0);
  if (eco > 2) throw invalid("Cannot run more than 2 Eco dynos in an app.");
  const total = running.reduce((n, f) => n + f.quantity, 0);
  if (total > 100) throw invalid("Cannot run more than 100 dynos in an app.");
}

/** The app's formation with `updates` applied, as name/quantity/size, without changing it. */
function after(
  state: EmulatorState,
  app: AppRecord,
  updates: { f: FormationRecord; u: FormationUpdate }[],
): { type: string; quantity: number; size: string }[] {
  return [...app.formation.values()].map((f) => {
    const u = updates.find((x) => x.f === f)?.u;
    const size = u?.dyno_size?.name ?? u?.dyno_size?.id ?? u?.size;
    return {
      type: f.type,
      quantity: u?.quantity ?? f.quantity,
      size: size === undefined ? f.size.name : state.dynoSize(size).name,
    };
  });
}

function find(app: AppRecord, identity: string): FormationRecord | undefined {
  return app.formation.get(identity) ?? [...app.formation.values()].find((f) => f.id === identity);
}

function apply(state: EmulatorState, app: AppRecord, f: FormationRecord, u: FormationUpdate): void {
  if (u.quantity !== undefined) f.quantity = u.quantity;
  const size = u.dyno_size?.name ?? u.dyno_size?.id ?? u.size;
  if (size !== undefined) f.size = state.dynoSize(size);
  f.updatedAt = state.now();
  app.updatedAt = f.updatedAt;
}

export const formationRoutes: Routes = {
  "GET /apps/{app}/formation": ({ state, params }) => {
    const app = state.app(params.app!);
    return { list: [...app.formation.values()].map((f) => formationShape(app, f)) };
  },
  "GET /apps/{app}/formation/{formation}": ({ state, params }) => {
    const app = state.app(params.app!);
    const f = find(app, params.formation!);
    if (!f) throw notFound("formation");
    return { body: formationShape(app, f) };
  },
  "PATCH /apps/{app}/formation": ({ state, params, body }) => {
    const app = state.app(params.app!);
    const updates = (body as { updates: FormationUpdate[] }).updates;
    // Heroku checks every type before changing any.
    const targets = updates.map((u) => {
      const f = find(app, u.type ?? "");
      if (!f) throw invalid(`Couldn't find that process type (${u.type ?? ""}).`);
      return f;
    });
    for (const u of updates)
      state.dynoSize(u.dyno_size?.name ?? u.dyno_size?.id ?? u.size ?? "basic");
    checkTierRules(
      after(
        state,
        app,
        updates.map((u, i) => ({ f: targets[i]!, u })),
      ),
    );
    updates.forEach((u, i) => apply(state, app, targets[i]!, u));
    return { status: 200, body: targets.map((f) => formationShape(app, f)) };
  },
  "PATCH /apps/{app}/formation/{formation}": ({ state, params, body }) => {
    const app = state.app(params.app!);
    const f = find(app, params.formation!);
    if (!f) throw invalid(`Couldn't find that process type (${params.formation!}).`);
    checkTierRules(after(state, app, [{ f, u: body as FormationUpdate }]));
    apply(state, app, f, body as FormationUpdate);
    return { body: formationShape(app, f) };
  },
};
