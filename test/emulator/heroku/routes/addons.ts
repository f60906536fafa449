import { addonShape, attachmentShapes } from "../shapes";
import { invalid, notFound, type Ctx, type Routes } from "../http";
import type { AddonRecord } from "../state";

interface AddonCreate {
  plan: string;
  name?: string;
  attachment?: { name?: string };
  config?: Record<string, string>;
}

/** An info GET is a poll: it moves provisioning along before answering. */
function info(ctx: Ctx, addon: AddonRecord) {
  ctx.state.pollAddon(addon);
  return { body: addonShape(ctx.state, addon) };
}

export const addonRoutes: Routes = {
  "POST /apps/{app}/addons": ({ state, params, body }) => {
    const app = state.app(params.app!);
    const b = body as AddonCreate;
    const addon = state.createAddon(app, {
      plan: b.plan,
      name: b.name,
      attachmentName: b.attachment?.name,
    });
    return { body: addonShape(state, addon) };
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
    if (b.name !== undefined && b.name !== addon.name) {
      if ([...state.addons.values()].some((a) => a.name === b.name)) {
        throw invalid("Name is already taken");
      }
      addon.name = b.name;
    }
    const changedPlan = plan !== addon.plan;
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
