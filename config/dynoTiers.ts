// Heroku's dyno tier rules for one app's formation, as Dev Center states them:
//   - "Apps running on Eco or Basic dynos can have only one dyno running per process type."
//   - "Apps running on Eco dynos can have a maximum of two concurrently running dynos."
//   - "You can't scale a single process type that uses Performance, Private, or Shield dynos to
//     more than 10 dynos", and "applications can run a total of 100 dynos across all process
//     types" (both raisable on request).
//   (https://devcenter.heroku.com/articles/dyno-scaling-and-process-limits, updated 2024-12-03)
//   - Tiers cannot be mixed with Eco or Basic: "If an app uses free dynos, it can use only free
//     dynos for all of its process types. If an app uses hobby dynos, it can use only hobby dynos
//     … Apps that use standard and performance dynos can use different dyno types for different
//     process types" (https://devcenter.heroku.com/articles/dyno-types; free and hobby are today's
//     Eco and Basic); Heroku's answer is "Cannot use the following dyno types in the same app:
//     Basic and Standard-1X" (terraform-provider-heroku#357).
// Our reading where the sources are silent: only process types with at least one dyno count
// (a type scaled to 0 runs nothing), which is how the sources word every rule ("running").
//
// Pure and free of Node built-ins: the config validation, the Formation provider (serialized into
// state) and the tests share it.

export type DynoTier = "eco" | "basic" | "standard" | "performance" | "private" | "shield";

export interface ProcessSpec {
  quantity: number;
  size: string;
}

/** The tier of a dyno size name (`standard-1X` → `standard`), or undefined for an unknown one. */
export function tierOf(size: string): DynoTier | undefined {
  const s = size.toLowerCase();
  if (s === "eco" || s === "free") return "eco";
  if (s === "basic" || s === "hobby") return "basic";
  if (/^standard-[12]x$/.test(s)) return "standard";
  for (const tier of ["performance", "private", "shield"] as const) {
    if (s.startsWith(`${tier}-`)) return tier;
  }
  return undefined;
}

/** Eco and Basic apps use that tier alone. */
const EXCLUSIVE: readonly DynoTier[] = ["eco", "basic"];
const PER_TYPE_LIMIT_TIERS: readonly DynoTier[] = ["performance", "private", "shield"];
export const PER_TYPE_LIMIT = 10;
export const APP_LIMIT = 100;
export const ECO_APP_LIMIT = 2;

export interface TierProblem {
  /** The process type at fault, or undefined for the formation as a whole. */
  type?: string;
  field: "size" | "quantity" | "formation";
  /** What is wrong and what is allowed, in Dev Center's terms. */
  reason: string;
}

/** Every way `formation` breaks Heroku's tier rules; empty when Heroku accepts it. */
export function tierProblems(formation: Readonly<Record<string, ProcessSpec>>): TierProblem[] {
  const problems: TierProblem[] = [];
  const running = Object.entries(formation).filter(([, p]) => p.quantity > 0);
  const tiers = new Set(running.map(([, p]) => tierOf(p.size)).filter((t) => t !== undefined));
  const exclusive = [...tiers].find((t) => EXCLUSIVE.includes(t));
  if (exclusive && tiers.size > 1) {
    for (const [type, p] of running) {
      if (tierOf(p.size) === exclusive) continue;
      const others = running
        .filter(([, q]) => tierOf(q.size) === exclusive)
        .map(([t, q]) => `${t}: ${q.size}`);
      problems.push({
        type,
        field: "size",
        reason:
          `cannot run next to ${exclusive === "eco" ? "Eco" : "Basic"} dynos (${others.join(", ")}): ` +
          "an app on Eco or Basic dynos uses that tier for every running process type; " +
          "allowed: all eco, all basic, or any mix of standard-1x, standard-2x and performance-*",
      });
    }
  }
  for (const [type, p] of running) {
    const tier = tierOf(p.size);
    if (tier && EXCLUSIVE.includes(tier) && p.quantity > 1) {
      problems.push({
        type,
        field: "quantity",
        reason:
          `is more than one ${tier === "eco" ? "Eco" : "Basic"} dyno: apps on Eco or Basic dynos ` +
          "run only one dyno per process type; allowed: 0 or 1 (or a standard or performance size)",
      });
    }
    if (tier && PER_TYPE_LIMIT_TIERS.includes(tier) && p.quantity > PER_TYPE_LIMIT) {
      problems.push({
        type,
        field: "quantity",
        reason:
          `is more than ${PER_TYPE_LIMIT} ${tier} dynos for one process type, Heroku's limit ` +
          "(raised only on request to Heroku support); allowed: 0 to 10",
      });
    }
  }
  const total = running.reduce((sum, [, p]) => sum + p.quantity, 0);
  const ecoTotal = running
    .filter(([, p]) => tierOf(p.size) === "eco")
    .reduce((sum, [, p]) => sum + p.quantity, 0);
  if (ecoTotal > ECO_APP_LIMIT) {
    problems.push({
      field: "formation",
      reason:
        `runs ${ecoTotal} Eco dynos: apps on Eco dynos run at most ${ECO_APP_LIMIT} dynos at once; ` +
        "allowed: at most 2 process types with one dyno each, or basic or larger sizes",
    });
  }
  if (total > APP_LIMIT) {
    problems.push({
      field: "formation",
      reason: `runs ${total} dynos: Heroku's limit is ${APP_LIMIT} per app (raised only on request)`,
    });
  }
  return problems;
}

/** The problems as config errors, each naming its key under `prefix`. */
export function dynoTierConfigProblems(
  formation: Readonly<Record<string, ProcessSpec>>,
  prefix = "gyana:heroku.formation",
): string[] {
  return tierProblems(formation).map((p) => {
    if (p.type === undefined) return `${prefix}: ${p.reason}`;
    const spec = formation[p.type]!;
    const value = p.field === "size" ? JSON.stringify(spec.size) : String(spec.quantity);
    return `${prefix}.${p.type}.${p.field}: ${value} is not allowed; it ${p.reason}`;
  });
}
