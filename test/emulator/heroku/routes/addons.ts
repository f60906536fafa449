import { addonShape, attachmentShapes } from "../shapes";
import { invalid, notFound, type Ctx, type Routes } from "../http";
import type { AddonRecord } from "../state";

interface AddonCreate {
  plan: string;
  name?: string;
  attachment?: { name?: string };
  config?: Record<string, string>;
}

/**
 * Heroku Postgres plan changes (Dev Center, "Changing the Plan or Infrastructure of a Heroku
 * Postgres Database", https://devcenter.heroku.com/articles/updating-heroku-postgres-databases):
 * `addons:upgrade` "works for all Heroku Postgres plans. You can use this command to change
 * Essential-tier databases to another plan in that tier. To change Essential-tier databases to
 * plans on other tiers, use pg:copy instead." and it "requires up to several hours to prepare a
 * replacement (during which the application can remain active), and less than 1 minute of
 * downtime during the changeover".
 *  - Essential → another tier: refused. Heroku's API wording for it is not documented: the 422 and
 *    its message are ours, the rule is the article's. Another tier → Essential: the article names
 *    no way but pg:copy either; the emulator refuses it too (unsourced; the provider refuses both
 *    in its preview, so a looser Heroku would change nothing for us).
 *  - Any other change (within Essential, or among Standard, Premium, Private, Shield): accepted,
 *    the plan reads as the new one, and the replacement takes over later
 *    (`EmulatorState.changeOver`), when DATABASE_URL changes: the article gives addons:upgrade
 *    that one timing for every plan.
 */
function postgresTier(plan: string): string {
  return /^(essential|mini|basic)(-|$)/.test(plan) ? "essential" : (plan.split("-")[0] ?? plan);
}

function refusePostgresCrossTier(from: string, to: string): void {
  const [a, b] = [postgresTier(from), postgresTier(to)];
  if ((a === "essential") !== (b === "essential")) {
    throw invalid(
      `Cannot change heroku-postgresql:${from} to heroku-postgresql:${to}: Essential-tier databases ` +
        "can only change to another Essential plan. Use pg:copy to move the data to a new database.",
    );
  }
}

/** An info GET is a poll: it moves provisioning along before answering. */
function info(ctx: Ctx, addon: AddonRecord) {
  ctx.state.pollAddon(addon);
  return { body: addonShape(ctx.state, addon) };
}

export const addonRoutes: Routes = {
  // One add-on create request per app at a time: "the Heroku API cannot handle a single
  // application requesting multiple addons simultaneously" (terraform-provider-heroku,
  // heroku/resource_heroku_addon.go, comment on `addonLock`, a process-wide mutex its create holds
  // from the POST through the provisioning wait). The create request takes
  // `addonCreateLatencyMs`; another one for the same app meanwhile is refused. Nothing documents
  // Heroku's status or wording for that refusal (nor whether a POST during the other add-on's
  // provisioning, after its request was answered, is refused too): the 422 and message are ours,
  // and the emulator refuses only overlapping requests.
  "POST /apps/{app}/addons": async ({ state, params, body }) => {
    const app = state.app(params.app!);
    if (state.addonCreatesInFlight.has(app.id)) {
      throw invalid(
        `Another add-on is being added to ${app.name}; try again when that request has finished.`,
      );
    }
    state.addonCreatesInFlight.add(app.id);
    try {
      await new Promise((resolve) => setTimeout(resolve, state.options.addonCreateLatencyMs));
      const b = body as AddonCreate;
      const addon = state.createAddon(app, {
        plan: b.plan,
        name: b.name,
        attachmentName: b.attachment?.name,
      });
      return { body: addonShape(state, addon) };
    } finally {
      state.addonCreatesInFlight.delete(app.id);
    }
  },
  "GET /apps/{app}/addons": ({ state, params }) => {
    const app = state.app(params.app!);
    return { list: state.addonsOf(app).map((a) => addonShape(state, a)) };
  },
  "GET /addons": ({ state }) => ({
    list: [...state.addons.values()].map((a) => addonShape(state, a)),
  }),
  "GET /apps/{app}/addons/{addon}": (ctx) => {
    const app = ctx.state.app(ctx.params.app!);
    return info(ctx, ctx.state.addon(ctx.params.addon!, app));
  },
  "GET /addons/{addon}": (ctx) => info(ctx, ctx.state.addon(ctx.params.addon!)),
  "PATCH /apps/{app}/addons/{addon}": ({ state, params, body }) => {
    const app = state.app(params.app!);
    const addon = state.addon(params.addon!, app);
    const b = body as { plan: string; name?: string };
    const [service, plan] = b.plan.split(":");
    if (service !== addon.service || !plan) {
      throw invalid(`Plan ${b.plan} is not a plan of ${addon.service}.`);
    }
    const postgresChange = addon.service === "heroku-postgresql" && plan !== addon.plan;
    if (postgresChange) refusePostgresCrossTier(addon.plan, plan);
    if (b.name !== undefined && b.name !== addon.name) {
      if ([...state.addons.values()].some((a) => a.name === b.name)) {
        throw invalid("Name is already taken");
      }
      addon.name = b.name;
    }
    const changedPlan = plan !== addon.plan;
    if (postgresChange) {
      addon.pendingChangeover = { from: addon.pendingChangeover?.from ?? addon.plan, to: plan };
    }
    addon.plan = plan;
    addon.updatedAt = state.now();
    // A Heroku Key-Value Store plan change moves the data to a new instance, and Heroku sets
    // REDIS_URL to the new instance's URL (dropping any query parameter of ours).
    const [redisVar] = addon.configVarNames;
    if (changedPlan && addon.service === "heroku-redis" && redisVar !== undefined) {
      state.rotateAddonUrl(app, redisVar);
    }
    return { body: addonShape(state, addon) };
  },
  "DELETE /apps/{app}/addons/{addon}": ({ state, params }) => {
    const app = state.app(params.app!);
    const addon = state.deleteAddon(state.addon(params.addon!, app));
    return { body: addonShape(state, addon) };
  },
  "GET /apps/{app}/addon-attachments": ({ state, params }) => {
    const app = state.app(params.app!);
    return { list: state.addonsOf(app).flatMap((a) => attachmentShapes(state, a)) };
  },
  "GET /apps/{app}/addon-attachments/{addon_attachment}": ({ state, params }) => {
    const app = state.app(params.app!);
    const key = params.addon_attachment!;
    const found = state
      .addonsOf(app)
      .flatMap((a) => attachmentShapes(state, a))
      .find((t) => t.id === key || t.name === key);
    if (!found) throw notFound("add on attachment");
    return { body: found };
  },
  "GET /addons/{addon}/addon-attachments": ({ state, params }) => ({
    list: attachmentShapes(state, state.addon(params.addon!)),
  }),
};
