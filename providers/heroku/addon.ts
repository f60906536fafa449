// Heroku add-on (Terraform: heroku_addon). Create waits until the add-on is provisioned and its
// config vars (DATABASE_URL, REDIS_URL, ...) are set on the app, so that dependents see them. A plan
// change is an in-place upgrade; provisioning options (`config`) and the attachment name are fixed
// at creation. Create is safe to repeat after an interruption: an add-on of the same name already
// on this app is waited for and taken over instead of provisioning a second one. Taking over an
// existing add-on never changes it: a live plan other than the declared one fails the create
// before any write (adoption.ts), instead of upgrading or downgrading a production database.
import * as pulumi from "@pulumi/pulumi";
import type { AddOn } from "@heroku-cli/schema";
import { addonPlanDifference, adoptionRefusal } from "./adoption";
import { planChangeNotice, planChangeRefusal } from "./addonPlans";
import { herokuClientFromEnv, isApiError, type HerokuClient } from "./client";
import {
  newFailures,
  UNKNOWN,
  isUnknown,
  assertSameApp,
  deleteIgnoringNotFound,
  diffDeclared,
  envMs,
  found,
  gone,
  halfCreated,
  pollUntil,
  report,
  seg,
  unlessNotFound,
} from "./providerKit";

export interface AddonInputs {
  /** App name or id that the add-on is billed to. Prefer the App's id: it survives renames. */
  app: string;
  /** Plan name, e.g. `heroku-postgresql:essential-0`, `heroku-redis:mini`. */
  plan: string;
  /** Global add-on name. Default: `<app>-<service>[-<attachment>]`, derived in `check`. */
  name?: string;
  /** Attachment name, the config var prefix (`DATABASE` gives `DATABASE_URL`). */
  attachmentName?: string;
  /** Provisioning options passed to the add-on provider. Changing them replaces the add-on. */
  config?: Record<string, string>;
}

export interface AddonOutputs extends AddonInputs {
  addonId: string;
  name: string;
  /** Uuid of the billing app. */
  appId: string;
  /** Names of the config vars the add-on sets on the app, e.g. `["DATABASE_URL"]`. */
  configVarNames: string[];
  state: string;
  providerId: string;
}

const NAME_PATTERN = /^[a-zA-Z][A-Za-z0-9_-]+$/;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `<app>-<service>[-<attachment>]`, e.g. `gyana-dev-heroku-postgresql`. When `app` is a uuid the
 * service comes first (`heroku-postgresql-<12 hex>`), since a name must start with a letter.
 */
export function defaultAddonName(app: string, plan: string, attachmentName?: string): string {
  const service = plan.split(":")[0] ?? plan;
  const suffix = attachmentName ? `-${attachmentName.toLowerCase().replace(/_/g, "-")}` : "";
  const base = UUID.test(app)
    ? `${service}-${app.replace(/-/g, "").slice(0, 12).toLowerCase()}`
    : `${app}-${service}`;
  return `${base}${suffix}`.replace(/[^A-Za-z0-9_-]/g, "-");
}

function outputsFrom(addon: AddOn, inputs: Partial<AddonInputs>): AddonOutputs {
  const out: AddonOutputs = {
    app: inputs.app ?? addon.app.name ?? addon.app.id ?? "",
    plan: addon.plan.name ?? inputs.plan ?? "",
    name: addon.name,
    addonId: addon.id,
    appId: addon.app.id ?? "",
    configVarNames: [...(addon.config_vars ?? [])],
    state: addon.state,
    providerId: addon.provider_id,
  };
  if (inputs.attachmentName !== undefined) out.attachmentName = inputs.attachmentName;
  if (inputs.config !== undefined) out.config = inputs.config;
  return out;
}

function belongsTo(addon: AddOn, app: string): boolean {
  return addon.app.name === app || addon.app.id === app;
}

/** Polls until provisioned, then until the app's config vars hold every var the add-on names. */
async function waitUntilReady(client: HerokuClient, app: string, initial: AddOn): Promise<AddOn> {
  const deadlineMs = envMs("HEROKU_ADDON_TIMEOUT_MS", 20 * 60_000);
  const intervalMs = envMs("HEROKU_POLL_INTERVAL_MS", 2_000);
  const maxIntervalMs = Math.max(intervalMs, envMs("HEROKU_POLL_MAX_INTERVAL_MS", 15_000));
  const path = `/apps/${seg(app)}/addons/${seg(initial.id)}`;
  let first: AddOn | undefined = initial;
  const addon = await pollUntil<AddOn>({
    what: `add-on ${initial.name} (${initial.plan.name ?? "plan"}) to be provisioned`,
    deadlineMs,
    intervalMs,
    maxIntervalMs,
    probe: async () => {
      const current: AddOn = first ?? (await client.get<AddOn>(path));
      first = undefined;
      if (current.state === "deprovisioned") {
        const error = new Error(
          `add-on ${current.name} was deprovisioned while waiting for it` +
            (current.provision_message ? `: ${current.provision_message}` : ""),
        );
        error.name = "AddonDeprovisioned";
        throw error;
      }
      return { done: current.state === "provisioned", value: current, status: current.state };
    },
  });
  const wanted = addon.config_vars ?? [];
  if (wanted.length === 0) return addon;
  await pollUntil<true>({
    what: `config vars ${wanted.join(", ")} of add-on ${addon.name} on app ${app}`,
    deadlineMs,
    intervalMs,
    maxIntervalMs,
    probe: async () => {
      const vars = await client.get<Record<string, string>>(`/apps/${seg(app)}/config-vars`);
      const missing = wanted.filter((name) => !(name in vars));
      return { done: missing.length === 0, value: true, status: `missing ${missing.join(", ")}` };
    },
  });
  return addon;
}

/**
 * Waits as `waitUntilReady` does; when the wait fails but the add-on exists (still provisioning
 * at the deadline, or the API failed while polling), reports it as half-created so that the
 * engine keeps it in state and the next `up` finishes it (`update`) instead of losing track of it.
 */
async function readyOrHalfCreated(
  client: HerokuClient,
  app: string,
  addon: AddOn,
  declared: Partial<AddonInputs>,
  inputs: object,
): Promise<AddOn> {
  try {
    return await waitUntilReady(client, app, addon);
  } catch (err) {
    if (!(err instanceof Error) || err.name === "AddonDeprovisioned") throw err;
    throw halfCreated(
      addon.id,
      outputsFrom(addon, declared),
      inputs,
      `add-on ${addon.name} exists on app ${app} but is not ready: ${err.message}. ` +
        "It is saved in the stack's state; the next `pulumi up` waits for it again.",
    );
  }
}

/**
 * Runs one add-on create request of `app` at a time: "the Heroku API cannot handle a single
 * application requesting multiple addons simultaneously" (terraform-provider-heroku,
 * heroku/resource_heroku_addon.go, the comment on `addonLock`). Heroku documents neither its error
 * for that nor a retry, and a POST is not idempotent, so the requests are queued instead of
 * retried. Terraform holds its lock through the provisioning wait too; this queues only the
 * request, so two add-ons still provision side by side and a fresh `up` lasts about as long as
 * the slowest one (tools/bench prints it). Every dynamic resource of a `pulumi up` runs in one
 * provider host process (the default `pulumi-nodejs` provider), so the queue lives on
 * `globalThis` of that process. Keyed by `app` as declared: the stack gives every add-on the
 * App's id.
 */
async function oneCreatePerApp<T>(app: string, request: () => Promise<T>): Promise<T> {
  const holder = globalThis as { __gyanaAddonCreates?: Map<string, Promise<unknown>> };
  const queues = (holder.__gyanaAddonCreates ??= new Map<string, Promise<unknown>>());
  const before = queues.get(app) ?? Promise.resolve();
  const mine = before.then(request, request);
  const settled = mine.then(
    () => undefined,
    () => undefined,
  );
  queues.set(app, settled);
  try {
    return await mine;
  } finally {
    if (queues.get(app) === settled) queues.delete(app);
  }
}

export const addonProvider: pulumi.dynamic.ResourceProvider<AddonInputs, AddonOutputs> = {
  async check(olds, news) {
    const failures = newFailures();
    failures.identity(news, "app", ["appName", "uuid"]);
    failures.string(news, "plan", {
      pattern: /^[a-z0-9][a-z0-9-]*:[A-Za-z0-9_.-]+$/,
      rule: "must be `<service>:<plan>`, e.g. `heroku-postgresql:essential-0`",
    });
    // A plan change Heroku refuses fails the preview, before any API call (addonPlans.ts).
    const from = (olds as Partial<AddonInputs> | undefined)?.plan;
    if (typeof from === "string" && typeof news.plan === "string" && !isUnknown(news.plan)) {
      const refusal = planChangeRefusal(from, news.plan, String(news.app));
      if (refusal) failures.add("plan", refusal);
    }
    failures.optionalString(news, "attachmentName", {
      pattern: /^[A-Za-z][A-Za-z0-9_]*$/,
      rule: "must be letters, digits and _ starting with a letter (it prefixes `_URL`)",
    });
    failures.stringMap(news, "config", /^\w+$/, "must match ^\\w+$");
    let name = news.name;
    if (name === undefined && typeof news.app === "string" && typeof news.plan === "string") {
      const unknown = [news.app, news.plan, news.attachmentName].includes(UNKNOWN);
      name = unknown ? UNKNOWN : defaultAddonName(news.app, news.plan, news.attachmentName);
    }
    const inputs = { ...news, ...(name !== undefined ? { name } : {}) };
    failures.string(inputs, "name", {
      pattern: NAME_PATTERN,
      rule: "must start with a letter and hold only letters, digits, _ and -",
    });
    return failures.result(inputs);
  },

  async diff(_id, olds, news) {
    // The preview says what an accepted plan change does next (a later switch-over, a new URL).
    if (olds.plan !== news.plan && typeof news.plan === "string" && !isUnknown(news.plan)) {
      const notice = planChangeNotice(olds.plan, news.plan, String(news.app));
      if (notice) report(notice);
    }
    const declared = diffDeclared<AddonInputs>(olds, news, {
      // `app` is compared in `update`, which refuses to move an add-on to another app: a rename of
      // the app must not destroy its database.
      fields: ["app", "plan", "name", "attachmentName", "config"],
      replaceKeys: ["attachmentName", "config"],
      // The name is global, so the replacement cannot exist next to the old add-on.
      deleteBeforeReplace: true,
    });
    // Saved half-created (still provisioning): `update` waits for it. The engine would update it
    // anyway for its init errors, but a refresh clears those (RefreshStep keeps no init errors
    // from a successful read), so the state itself must say it is unfinished.
    const unfinished = olds.state !== undefined && olds.state !== "provisioned";
    return unfinished && !declared.changes ? { ...declared, changes: true } : declared;
  },

  async create(inputs) {
    const client = herokuClientFromEnv();
    const name = inputs.name ?? defaultAddonName(inputs.app, inputs.plan, inputs.attachmentName);
    let addon = await unlessNotFound(() => client.get<AddOn>(`/addons/${seg(name)}`));
    if (addon && !belongsTo(addon, inputs.app)) {
      throw new Error(
        `add-on name \`${name}\` is already used by app \`${addon.app.name ?? addon.app.id}\`, ` +
          `not \`${inputs.app}\`. Add-on names are global: set another \`name\` on this Addon.`,
      );
    }
    if (addon) {
      // Adopting (or finishing an interrupted create) takes the add-on as it is, never changes it.
      const differences = addonPlanDifference(addon, inputs.plan);
      if (differences.length > 0) {
        throw adoptionRefusal(`add-on \`${name}\` of app \`${inputs.app}\``, differences);
      }
      // A previous create was interrupted after Heroku accepted it: finish that one.
      report(`add-on ${name} already exists on app ${inputs.app} (${addon.state}); waiting for it`);
    } else {
      const body: Record<string, unknown> = { plan: inputs.plan, name };
      if (inputs.attachmentName !== undefined) body["attachment"] = { name: inputs.attachmentName };
      if (inputs.config !== undefined) body["config"] = inputs.config;
      try {
        addon = await oneCreatePerApp(inputs.app, () =>
          client.post<AddOn>(`/apps/${seg(inputs.app)}/addons`, body),
        );
      } catch (err) {
        if (isApiError(err, 422) && /taken|already/i.test(err.message)) {
          throw new Error(
            `add-on name \`${name}\` is already taken by an add-on this API key cannot see ` +
              `(${err.message}). Add-on names are global: set another \`name\` on this Addon.`,
          );
        }
        throw err;
      }
      report(`add-on ${addon.name} created on app ${inputs.app} (${addon.state})`);
    }
    addon = await readyOrHalfCreated(client, inputs.app, addon, { ...inputs, name }, inputs);
    return { id: addon.id, outs: outputsFrom(addon, { ...inputs, name }) };
  },

  async read(id, props) {
    const client = herokuClientFromEnv();
    const addon = await unlessNotFound(() => client.get<AddOn>(`/addons/${seg(id)}`));
    if (!addon || addon.state === "deprovisioned") return gone();
    const known: Partial<AddonInputs> = props ?? {};
    const app = known.app !== undefined && belongsTo(addon, known.app) ? known.app : undefined;
    const outs = outputsFrom(addon, { ...known, app });
    const inputs: AddonInputs = { app: outs.app, plan: outs.plan, name: outs.name };
    if (outs.attachmentName !== undefined) inputs.attachmentName = outs.attachmentName;
    if (outs.config !== undefined) inputs.config = outs.config;
    return found<AddonInputs, AddonOutputs>(addon.id, outs, inputs);
  },

  async update(id, olds, news) {
    const client = herokuClientFromEnv();
    await assertSameApp(client, "Addon", olds.appId, olds, news);
    const path = `/apps/${seg(olds.appId || news.app)}/addons/${seg(id)}`;
    let addon: AddOn;
    if (news.plan !== olds.plan || news.name !== olds.name) {
      const body: Record<string, unknown> = { plan: news.plan };
      if (news.name !== undefined && news.name !== olds.name) body["name"] = news.name;
      addon = await client.patch<AddOn>(path, body);
      const notice =
        news.plan !== olds.plan ? planChangeNotice(olds.plan, news.plan, news.app) : "";
      if (notice) report(`plan changed: ${notice}`);
      addon = await readyOrHalfCreated(client, news.app, addon, news, news);
    } else {
      // Also what finishes an add-on saved half-created: the engine updates it on the next up.
      addon = await readyOrHalfCreated(client, news.app, await client.get<AddOn>(path), news, news);
    }
    return { outs: outputsFrom(addon, news) };
  },

  async delete(id, props) {
    const client = herokuClientFromEnv();
    const app = props.appId || props.app;
    await deleteIgnoringNotFound(() => client.delete(`/apps/${seg(app)}/addons/${seg(id)}`));
  },
};

export interface AddonArgs {
  /** App name or id. Prefer the App's id (`app.id`), which survives a rename. */
  readonly app: pulumi.Input<string>;
  /** Plan, e.g. `heroku-postgresql:essential-0`. A change upgrades in place. */
  readonly plan: pulumi.Input<string>;
  /** Global add-on name. Default `<app>-<service>[-<attachment>]`. */
  readonly name?: pulumi.Input<string>;
  /** Config var prefix. Default: the service's own (`DATABASE`, `REDIS`). Change = replace. */
  readonly attachmentName?: pulumi.Input<string>;
  /** Provisioning options (strings). Change = replace. */
  readonly config?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** A Heroku add-on. Type token `pulumi-nodejs:dynamic/heroku:Addon`; id = the add-on's uuid. */
export class Addon extends pulumi.dynamic.Resource {
  declare readonly app: pulumi.Output<string>;
  declare readonly plan: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly addonId: pulumi.Output<string>;
  declare readonly appId: pulumi.Output<string>;
  declare readonly configVarNames: pulumi.Output<string[]>;
  declare readonly state: pulumi.Output<string>;
  declare readonly providerId: pulumi.Output<string>;

  constructor(name: string, args: AddonArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      addonProvider,
      name,
      {
        ...args,
        name: args.name,
        addonId: undefined,
        appId: undefined,
        configVarNames: undefined,
        state: undefined,
        providerId: undefined,
      },
      opts,
      "heroku",
      "Addon",
    );
  }
}
