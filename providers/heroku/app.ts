// Heroku app (Terraform: heroku_app). The resource id is the app's uuid, so a rename is an
// in-place PATCH; region and team are fixed at creation and a change replaces the app.
//
// `maintenance` is managed only when declared: release and rollback tools switch it on and off,
// and a `pulumi up --refresh` on merge must not switch it back in the middle of a rollback.
//
// Adopting (`adopt`) never writes: when the live region, build stack or (declared) maintenance
// flag differ, or any of `adoptExpect` (the add-on plans and formation the rest of the program
// declares) differs, create refuses before anything is written (see adoption.ts). Since every
// other resource of the app depends on the App, this is the pre-flight of the whole takeover.
import * as pulumi from "@pulumi/pulumi";
import type { App as HerokuAppBody } from "@heroku-cli/schema";
import {
  adoptionRefusal,
  liveAddonDifferences,
  liveFormationDifferences,
  type DeclaredProcess,
  type LiveDifference,
} from "./adoption";
import { herokuClientFromEnv, isApiError } from "./client";
import {
  newFailures,
  isUnknown,
  diffDeclared,
  found,
  gone,
  halfCreated,
  report,
  seg,
  unlessNotFound,
  deleteIgnoringNotFound,
} from "./providerKit";

export interface AppInputs {
  /** Globally unique app name: 3-30 characters, `^[a-z][a-z0-9-]{1,28}[a-z0-9]$`. */
  name: string;
  /** Region name or id, e.g. `eu`. */
  region: string;
  /** Stack for new builds, e.g. `heroku-24`. Unset: Heroku's default, not managed. */
  stack?: string;
  /** Team that owns the app (created with `POST /teams/apps`). Unset: a personal app. */
  team?: string;
  /**
   * Maintenance mode. Unset: not managed (never set, never diffed, not read into state), so the
   * release and rollback tools can switch it without `pulumi up` switching it back.
   */
  maintenance?: boolean;
  /**
   * When the name is already taken by an app this token can access, take that app over instead of
   * failing. Pulumi cannot import dynamic-provider resources (pulumi/pulumi#16175), so this is the
   * explicit way to bring a hand-made app under management. Only read by `create`.
   */
  adopt?: boolean;
  /**
   * Only read by an adopting `create`: what the rest of the program declares for this app, checked
   * against the live app before anything is written. Not diffed, not part of the outputs.
   */
  adoptExpect?: AdoptExpectations;
}

/** Declared settings of an adopted app's other resources, checked before adopting it. */
export interface AdoptExpectations {
  /** Add-ons by their global name with the declared plan (adopted by name when they exist). */
  addons?: { name: string; plan: string }[];
  /** Declared process type → quantity and size. */
  formation?: Record<string, DeclaredProcess>;
}

export interface AppOutputs extends Omit<AppInputs, "adoptExpect"> {
  appId: string;
  webUrl: string | null;
  gitUrl: string;
  /** Stack the running slug was built on (may lag `stack` until the next build). */
  currentStack: string;
}

const NAME_PATTERN = /^[a-z][a-z0-9-]{1,28}[a-z0-9]$/;
const FIELDS = ["name", "region", "stack", "team", "maintenance"] as const;

function outputsFrom(app: HerokuAppBody, inputs: Partial<AppInputs>): AppOutputs {
  const team = app.team?.name ?? app.organization?.name ?? undefined;
  const out: AppOutputs = {
    name: app.name ?? "",
    region: app.region?.name ?? inputs.region ?? "",
    appId: app.id ?? "",
    webUrl: app.web_url ?? null,
    gitUrl: app.git_url ?? "",
    currentStack: app.stack?.name ?? "",
  };
  // A region may be declared by id; keep the declared spelling when it names the same region.
  if (inputs.region && inputs.region === app.region?.id) out.region = inputs.region;
  const stack = app.build_stack?.name ?? app.stack?.name;
  if (inputs.stack !== undefined && stack !== undefined) out.stack = stack;
  if (team !== undefined) out.team = team;
  // Unmanaged unless declared: no value in state, so a refresh shows no drift for it.
  if (inputs.maintenance !== undefined) out.maintenance = app.maintenance ?? false;
  if (inputs.adopt !== undefined) out.adopt = inputs.adopt;
  return out;
}

/** Live settings of an app to adopt that differ from the declared ones (the app's own). */
function appDifferences(existing: HerokuAppBody, inputs: AppInputs): LiveDifference[] {
  const out: LiveDifference[] = [];
  const region = existing.region?.name;
  if (region !== inputs.region && existing.region?.id !== inputs.region) {
    out.push({
      what: "region (cannot change in place)",
      live: region ?? "?",
      declared: inputs.region,
    });
  }
  const stack = existing.build_stack?.name ?? existing.stack?.name;
  if (inputs.stack !== undefined && stack !== inputs.stack) {
    out.push({ what: "stack", live: stack ?? "?", declared: inputs.stack });
  }
  const maintenance = existing.maintenance ?? false;
  if (inputs.maintenance !== undefined && maintenance !== inputs.maintenance) {
    out.push({
      what: "maintenance",
      live: String(maintenance),
      declared: String(inputs.maintenance),
    });
  }
  return out;
}

function takenMessage(name: string): string {
  return (
    `Heroku app name \`${name}\` is already taken. If the app is yours, adopt it: set ` +
    "`adopt: true` on this App and run `pulumi up` again (dynamic-provider resources cannot be " +
    "brought in with `pulumi import` or the `import` resource option, pulumi/pulumi#16175). " +
    "Otherwise choose another `name`."
  );
}

export const appProvider: pulumi.dynamic.ResourceProvider<AppInputs, AppOutputs> = {
  async check(_olds, news) {
    const failures = newFailures();
    failures.string(news, "name", {
      pattern: NAME_PATTERN,
      rule: "must be 3-30 characters of a-z, 0-9 and -, start with a letter and not end with -",
    });
    failures.string(news, "region");
    failures.optionalString(news, "stack");
    failures.optionalString(news, "team");
    for (const flag of ["maintenance", "adopt"] as const) {
      if (news[flag] !== undefined && typeof news[flag] !== "boolean" && !isUnknown(news[flag])) {
        failures.add(flag, `\`${flag}\` must be a boolean`);
      }
    }
    const expect = news.adoptExpect as unknown;
    if (
      expect !== undefined &&
      !isUnknown(expect) &&
      (typeof expect !== "object" || expect === null || Array.isArray(expect))
    ) {
      failures.add("adoptExpect", "`adoptExpect` must be an object {addons?, formation?}");
    }
    return failures.result(news);
  },

  async diff(_id, olds, news) {
    // An undeclared maintenance flag is not managed: no diff, whatever the live value is. State
    // that still holds one (declared before) is dropped by an update that writes nothing.
    const fields = FIELDS.filter(
      (f) =>
        f !== "maintenance" || news.maintenance !== undefined || olds.maintenance !== undefined,
    );
    return diffDeclared<AppInputs>(olds, news, {
      fields,
      replaceKeys: ["region", "team"],
      // The name is global: the new app cannot exist next to the old one.
      deleteBeforeReplace: true,
    });
  },

  async create(inputs) {
    const client = herokuClientFromEnv();
    const body: Record<string, unknown> = { name: inputs.name, region: inputs.region };
    if (inputs.stack !== undefined) body["stack"] = inputs.stack;
    // Adopting: an app of this name that this key can see is taken without trying to create it.
    const adoptable = inputs.adopt
      ? await unlessNotFound(() => client.get<HerokuAppBody>(`/apps/${seg(inputs.name)}`))
      : undefined;
    let app: HerokuAppBody;
    if (adoptable) {
      // The pre-flight of the whole takeover: nothing has been written yet, and nothing is.
      const differences = appDifferences(adoptable, inputs);
      const expect = inputs.adoptExpect ?? {};
      const ref = { id: adoptable.id ?? "", name: adoptable.name ?? inputs.name };
      if (expect.addons && expect.addons.length > 0) {
        differences.push(...(await liveAddonDifferences(client, ref, expect.addons)));
      }
      if (expect.formation && Object.keys(expect.formation).length > 0) {
        differences.push(
          ...(await liveFormationDifferences(client, ref.id || ref.name, expect.formation)),
        );
      }
      if (differences.length > 0) {
        throw adoptionRefusal(`Heroku app \`${inputs.name}\``, differences);
      }
      report(`adopting existing app ${inputs.name} (${adoptable.id}) as it is`);
      return { id: adoptable.id ?? inputs.name, outs: outputsFrom(adoptable, inputs) };
    } else {
      try {
        app =
          inputs.team !== undefined
            ? await client.post<HerokuAppBody>("/teams/apps", { ...body, team: inputs.team })
            : await client.post<HerokuAppBody>("/apps", body);
      } catch (err) {
        if (!(isApiError(err, 422) && /already taken/i.test(err.message))) throw err;
        if (!inputs.adopt) throw new Error(takenMessage(inputs.name));
        throw new Error(
          `Heroku app name \`${inputs.name}\` is taken by an app this API key cannot see; ` +
            "`adopt` only takes over apps you can access. Choose another `name`.",
        );
      }
    }
    const patch: Record<string, unknown> = {};
    if (inputs.maintenance !== undefined && (app.maintenance ?? false) !== inputs.maintenance)
      patch["maintenance"] = inputs.maintenance;
    if (inputs.stack !== undefined && (app.build_stack?.name ?? app.stack?.name) !== inputs.stack) {
      patch["build_stack"] = inputs.stack;
    }
    if (Object.keys(patch).length > 0) {
      const created = app;
      try {
        app = await client.patch<HerokuAppBody>(`/apps/${seg(app.id ?? inputs.name)}`, patch);
      } catch (err) {
        // The app exists: report it half-created so that the stack keeps it (the next up's
        // update sets what is missing) instead of a name the next create finds taken.
        throw halfCreated(
          created.id ?? inputs.name,
          outputsFrom(created, inputs),
          inputs,
          `app ${inputs.name} was created, but setting ${Object.keys(patch).join(", ")} failed: ` +
            `${err instanceof Error ? err.message : String(err)}. It is saved in the stack's ` +
            "state; the next `pulumi up` sets it.",
        );
      }
    }
    return { id: app.id ?? inputs.name, outs: outputsFrom(app, inputs) };
  },

  async read(id, props) {
    const client = herokuClientFromEnv();
    const app = await unlessNotFound(() => client.get<HerokuAppBody>(`/apps/${seg(id)}`));
    if (!app) return gone();
    // With only an id (no earlier inputs) report every live field, so the inputs match the app.
    const known: Partial<AppInputs> = props?.name !== undefined ? props : { stack: "" };
    const outs = outputsFrom(app, known);
    const { appId: _a, webUrl: _w, gitUrl: _g, currentStack: _c, ...inputs } = outs;
    return found<AppInputs, AppOutputs>(app.id ?? id, outs, inputs);
  },

  async update(id, olds, news) {
    const client = herokuClientFromEnv();
    const patch: Record<string, unknown> = {};
    if (olds.name !== news.name) patch["name"] = news.name;
    if (news.maintenance !== undefined && olds.maintenance !== news.maintenance)
      patch["maintenance"] = news.maintenance;
    if (news.stack !== undefined && olds.stack !== news.stack) patch["build_stack"] = news.stack;
    const app =
      Object.keys(patch).length > 0
        ? await client.patch<HerokuAppBody>(`/apps/${seg(id)}`, patch)
        : await client.get<HerokuAppBody>(`/apps/${seg(id)}`);
    return { outs: outputsFrom(app, news) };
  },

  async delete(id) {
    const client = herokuClientFromEnv();
    await deleteIgnoringNotFound(() => client.delete(`/apps/${seg(id)}`));
  },
};

export interface AppArgs {
  /** Globally unique app name. */
  readonly name: pulumi.Input<string>;
  /** Region name, e.g. `eu`. Changing it replaces the app. */
  readonly region: pulumi.Input<string>;
  /** Stack for new builds, e.g. `heroku-24`. Default: Heroku's default, unmanaged. */
  readonly stack?: pulumi.Input<string>;
  /** Owning team. Default: personal app. Changing it replaces the app. */
  readonly team?: pulumi.Input<string>;
  /** Maintenance mode. Default: not managed (left as it is, never diffed). */
  readonly maintenance?: pulumi.Input<boolean>;
  /**
   * Take over an existing app of this name on create instead of failing, without changing it:
   * create refuses when its live settings differ from the declared ones. Default false.
   */
  readonly adopt?: pulumi.Input<boolean>;
  /** With `adopt`: the other resources' declared add-on plans and formation, checked first. */
  readonly adoptExpect?: pulumi.Input<AdoptExpectations>;
}

/** A Heroku app. Type token `pulumi-nodejs:dynamic/heroku:App`; id = the app's uuid. */
export class App extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;
  declare readonly region: pulumi.Output<string>;
  declare readonly stack: pulumi.Output<string | undefined>;
  declare readonly team: pulumi.Output<string | undefined>;
  declare readonly maintenance: pulumi.Output<boolean | undefined>;
  declare readonly appId: pulumi.Output<string>;
  declare readonly webUrl: pulumi.Output<string | null>;
  declare readonly gitUrl: pulumi.Output<string>;
  declare readonly currentStack: pulumi.Output<string>;

  constructor(name: string, args: AppArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      appProvider,
      name,
      { ...args, appId: undefined, webUrl: undefined, gitUrl: undefined, currentStack: undefined },
      opts,
      "heroku",
      "App",
    );
  }
}
