// Adoption never changes live settings. Taking over a hand-made app (App `adopt`, an Addon found
// by its declared `name`, Formation `adopt`) compares what the program declares with what runs,
// and when something differs it refuses before writing anything, listing live vs declared values.
// Converging an adopted production app to declared values (a database plan, dyno sizes, the build
// stack) would be a change nobody reviewed as one: set the config to the live values to adopt as
// is, then change them in a later, separate `pulumi up` whose preview shows the change.
//
// Serialized with the providers that use it: globals only, no Node built-in imports.
import type { AddOn, Formation as HerokuFormationBase } from "@heroku-cli/schema";
import type { HerokuClient } from "./client";
import { seg, unlessNotFound } from "./providerKit";

/** One setting whose live value is not the declared one. */
export interface LiveDifference {
  /** What it is, e.g. `add-on postgresql-curly-12345 plan`. */
  what: string;
  live: string;
  declared: string;
}

/** A declared process: quantity and dyno size (size compared without regard to case). */
export interface DeclaredProcess {
  quantity: number;
  size: string;
}

/** The schema package predates `dyno_size`; the API returns it. */
type LiveFormation = HerokuFormationBase & { dyno_size?: { id?: string; name?: string } };

/** The adoption refusal: every difference, live vs declared, and what to do. */
export function adoptionRefusal(subject: string, differences: LiveDifference[]): Error {
  const lines = differences.map(
    (d) => `  - ${d.what}: live \`${d.live}\`, declared \`${d.declared}\``,
  );
  return new Error(
    `refusing to adopt ${subject}: adopting never changes live settings, and these differ:\n` +
      `${lines.join("\n")}\n` +
      "Nothing was written. Set the config to the live value to adopt as is; change it in a " +
      "later, separate `pulumi up` (whose preview then shows that change on its own).",
  );
}

function show(p: { quantity?: number | null; size?: string | null } | undefined): string {
  return p ? `${p.quantity ?? 0} × ${p.size ?? "?"}` : "none";
}

/**
 * Declared process types whose live quantity or size differs. Types the app does not have yet
 * (no release defines them) are not differences: nothing can be scaled for them.
 */
export function formationDifferences(
  live: LiveFormation[],
  declared: Record<string, DeclaredProcess>,
): LiveDifference[] {
  const out: LiveDifference[] = [];
  for (const [type, want] of Object.entries(declared)) {
    const f = live.find((x) => x.type === type);
    if (!f) continue;
    const size = f.dyno_size?.name ?? f.size ?? "";
    if (f.quantity !== want.quantity || size.toLowerCase() !== String(want.size).toLowerCase()) {
      out.push({
        what: `formation \`${type}\``,
        live: show({ quantity: f.quantity, size }),
        declared: show(want),
      });
    }
  }
  return out;
}

/** The live formation of the app compared with the declared one (one GET). */
export async function liveFormationDifferences(
  client: HerokuClient,
  app: string,
  declared: Record<string, DeclaredProcess>,
): Promise<LiveDifference[]> {
  const live = await client.list<LiveFormation>(`/apps/${seg(app)}/formation`);
  return formationDifferences(live, declared);
}

/** A live add-on's plan compared with the declared one. */
export function addonPlanDifference(addon: AddOn, declaredPlan: string): LiveDifference[] {
  const live = addon.plan.name;
  return live !== undefined && live !== declaredPlan
    ? [{ what: `add-on \`${addon.name}\` plan`, live, declared: declaredPlan }]
    : [];
}

/**
 * For each declared add-on name that already exists: its plan, and that it belongs to `app`
 * (one GET per add-on). Names that do not exist are not differences: they will be created.
 */
export async function liveAddonDifferences(
  client: HerokuClient,
  app: { id: string; name: string },
  declared: { name: string; plan: string }[],
): Promise<LiveDifference[]> {
  const out: LiveDifference[] = [];
  for (const want of declared) {
    const addon = await unlessNotFound(() => client.get<AddOn>(`/addons/${seg(want.name)}`));
    if (!addon) continue;
    if (addon.app.id !== app.id && addon.app.name !== app.name) {
      out.push({
        what: `add-on \`${want.name}\` app`,
        live: addon.app.name ?? addon.app.id ?? "?",
        declared: app.name,
      });
      continue;
    }
    out.push(...addonPlanDifference(addon, want.plan));
  }
  return out;
}
