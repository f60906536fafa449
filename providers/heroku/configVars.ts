// The config vars this program owns on an app (Terraform: heroku_app config_vars +
// sensitive_config_vars, with the lessons of #24/#205/PR #183). It manages only the keys it
// declares: add-on vars (DATABASE_URL, REDIS_URL) and vars set by hand are never read into state,
// never compared and never removed. A key dropped from the program is PATCHed to null, unless it
// is listed in `retainOnRemoval` (then it is left on the app as it is: the program stops managing
// it, the way `retainOnDelete` forgets a resource); every create/update that changes a value is
// one PATCH holding only what changes (one release). `sensitiveVars` values are secrets in state; `sensitiveVarNames` stays
// plain so previews show which keys are secret.
import * as pulumi from "@pulumi/pulumi";
import type { ConfigVars as HerokuConfigVars } from "@heroku-cli/schema";
import { herokuClientFromEnv } from "./client";
import {
  newFailures,
  isUnknown,
  appIdOf,
  assertSameApp,
  deleteIgnoringNotFound,
  diffDeclared,
  found,
  gone,
  sameValue,
  seg,
  unlessNotFound,
} from "./providerKit";

export interface ConfigVarsInputs {
  /** App name or id. */
  app: string;
  /** Plain vars, shown in previews. */
  vars?: Record<string, string>;
  /** Secret vars: values are secrets in state and never shown. */
  sensitiveVars?: Record<string, string>;
  /** Names of `sensitiveVars`, in plain view. Filled in by `check` when absent. */
  sensitiveVarNames?: string[];
  /**
   * Keys left on the app as they are (no null write) when they leave `vars`/`sensitiveVars` or
   * when this resource is deleted: a var the app may still read that the program stops managing,
   * such as a live HEROKU_API_KEY. Default none.
   */
  retainOnRemoval?: string[];
}

export interface ConfigVarsOutputs extends ConfigVarsInputs {
  appId: string;
  /** Every key this resource manages, sorted. */
  names: string[];
}

const KEY = /^\w+$/;

function ownedKeys(inputs: Partial<ConfigVarsInputs>): string[] {
  return [...Object.keys(inputs.vars ?? {}), ...Object.keys(inputs.sensitiveVars ?? {})].sort();
}

function outputsFrom(inputs: ConfigVarsInputs, appId: string): ConfigVarsOutputs {
  return {
    app: inputs.app,
    vars: inputs.vars ?? {},
    sensitiveVars: inputs.sensitiveVars ?? {},
    sensitiveVarNames: Object.keys(inputs.sensitiveVars ?? {}).sort(),
    retainOnRemoval: inputs.retainOnRemoval ?? [],
    appId,
    names: ownedKeys(inputs),
  };
}

/**
 * The one PATCH body: every declared key with its value, and null for keys no longer declared
 * (except those to retain).
 */
function patchBody(
  olds: Partial<ConfigVarsInputs>,
  news: ConfigVarsInputs,
): Record<string, string | null> {
  const body: Record<string, string | null> = {};
  const keep = new Set([...ownedKeys(news), ...(news.retainOnRemoval ?? [])]);
  for (const key of ownedKeys(olds)) if (!keep.has(key)) body[key] = null;
  Object.assign(body, news.vars ?? {}, news.sensitiveVars ?? {});
  return body;
}

/**
 * What an update sends: the patch body without the values the state already holds, so that an
 * update that changes no value (a key moved to `retainOnRemoval`, say) writes nothing and costs
 * no release.
 */
function changedOnly(
  olds: Partial<ConfigVarsInputs>,
  body: Record<string, string | null>,
): Record<string, string | null> {
  const recorded: Record<string, string> = { ...olds.vars, ...olds.sensitiveVars };
  return Object.fromEntries(Object.entries(body).filter(([k, v]) => recorded[k] !== v));
}

export const configVarsProvider: pulumi.dynamic.ResourceProvider<
  ConfigVarsInputs,
  ConfigVarsOutputs
> = {
  async check(_olds, news) {
    const failures = newFailures();
    failures.identity(news, "app", ["appName", "uuid"]);
    failures.stringMap(news, "vars", KEY, "must match ^\\w+$ (letters, digits, _)");
    failures.stringMap(news, "sensitiveVars", KEY, "must match ^\\w+$ (letters, digits, _)");
    const retain = news.retainOnRemoval as unknown;
    if (
      retain !== undefined &&
      !isUnknown(retain) &&
      (!Array.isArray(retain) || !retain.every((k) => typeof k === "string" && KEY.test(k)))
    ) {
      failures.add("retainOnRemoval", "`retainOnRemoval` must be a list of config var names");
    }
    // A whole map not known yet (preview) is checked again with its value before create.
    if (isUnknown(news.vars) || isUnknown(news.sensitiveVars)) return failures.result(news);
    const plain = Object.keys(news.vars ?? {});
    const secret = Object.keys(news.sensitiveVars ?? {});
    for (const key of plain.filter((k) => secret.includes(k))) {
      failures.add("sensitiveVars", `\`${key}\` is in both \`vars\` and \`sensitiveVars\``);
    }
    const names = secret.sort();
    if (news.sensitiveVarNames !== undefined && !isUnknown(news.sensitiveVarNames)) {
      const given = [...news.sensitiveVarNames].sort();
      if (given.join("\n") !== names.join("\n")) {
        failures.add(
          "sensitiveVarNames",
          "`sensitiveVarNames` must list exactly the keys of `sensitiveVars`",
        );
      }
    }
    return failures.result({ ...news, sensitiveVarNames: names });
  },

  async diff(_id, olds, news) {
    return diffDeclared<ConfigVarsInputs>(
      { ...olds, vars: olds.vars ?? {}, sensitiveVars: olds.sensitiveVars ?? {} },
      { ...news, vars: news.vars ?? {}, sensitiveVars: news.sensitiveVars ?? {} },
      {
        fields: ["app", "vars", "sensitiveVars", "sensitiveVarNames", "retainOnRemoval"],
        equal: { retainOnRemoval: (a, b) => sameValue(a ?? [], b ?? []) },
      },
    );
  },

  async create(inputs) {
    const client = herokuClientFromEnv();
    const appId = await appIdOf(client, inputs.app);
    // An existing app (adoption, or an interrupted create) may already hold some of the values:
    // send only the vars that differ, so an unchanged var costs no release and no restart.
    const live = await client.get<HerokuConfigVars>(`/apps/${seg(appId)}/config-vars`);
    const body = Object.fromEntries(
      Object.entries(patchBody({}, inputs)).filter(([k, v]) => live[k] !== v),
    );
    if (Object.keys(body).length > 0) {
      await client.patch<HerokuConfigVars>(`/apps/${seg(appId)}/config-vars`, body);
    }
    return { id: appId, outs: outputsFrom(inputs, appId) };
  },

  async read(id, props) {
    const client = herokuClientFromEnv();
    const live = await unlessNotFound(() =>
      client.get<HerokuConfigVars>(`/apps/${seg(id)}/config-vars`),
    );
    if (!live) return gone();
    // Only owned keys come back, with their live values; a key deleted by hand is absent, which
    // the next diff shows as drift. With only an id nothing is owned yet (the next update sets
    // the declared keys).
    const pick = (map: Record<string, string> | undefined): Record<string, string> =>
      Object.fromEntries(
        Object.keys(map ?? {})
          .filter((k) => k in live)
          .map((k) => [k, live[k] ?? ""]),
      );
    const inputs: ConfigVarsInputs = {
      app: props?.app ?? id,
      vars: pick(props?.vars),
      sensitiveVars: pick(props?.sensitiveVars),
      ...(props?.retainOnRemoval !== undefined ? { retainOnRemoval: props.retainOnRemoval } : {}),
    };
    const outs = outputsFrom(inputs, id);
    inputs.sensitiveVarNames = outs.sensitiveVarNames;
    return found<ConfigVarsInputs, ConfigVarsOutputs>(id, outs, inputs);
  },

  async update(id, olds, news) {
    const client = herokuClientFromEnv();
    await assertSameApp(client, "ConfigVars", id, olds, news);
    const body = changedOnly(olds, patchBody(olds, news));
    if (Object.keys(body).length > 0) {
      await client.patch<HerokuConfigVars>(`/apps/${seg(id)}/config-vars`, body);
    }
    return { outs: outputsFrom(news, id) };
  },

  async delete(id, props) {
    const client = herokuClientFromEnv();
    const retained = props.retainOnRemoval ?? [];
    const body = Object.fromEntries(
      ownedKeys(props)
        .filter((k) => !retained.includes(k))
        .map((k) => [k, null]),
    );
    if (Object.keys(body).length === 0) return;
    await deleteIgnoringNotFound(() => client.patch(`/apps/${seg(id)}/config-vars`, body));
  },
};

function isPlainMap(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    !pulumi.Output.isInstance(value) &&
    !(value instanceof Promise)
  );
}

export interface ConfigVarsArgs {
  /** App name or id. */
  readonly app: pulumi.Input<string>;
  /** Plain vars. Default none. */
  readonly vars?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Secret vars (wrapped with `pulumi.secret` here even if given plain). Default none. */
  readonly sensitiveVars?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /**
   * Keys left on the app as they are when they stop being declared or the resource is deleted
   * (no null write). Default none.
   */
  readonly retainOnRemoval?: readonly string[];
}

/**
 * Config vars owned by this program on one app. Type `pulumi-nodejs:dynamic/heroku:ConfigVars`;
 * id = app uuid. `names` lists every managed key.
 */
export class ConfigVars extends pulumi.dynamic.Resource {
  declare readonly app: pulumi.Output<string>;
  declare readonly vars: pulumi.Output<Record<string, string>>;
  declare readonly sensitiveVars: pulumi.Output<Record<string, string>>;
  declare readonly sensitiveVarNames: pulumi.Output<string[]>;
  declare readonly retainOnRemoval: pulumi.Output<string[]>;
  declare readonly appId: pulumi.Output<string>;
  declare readonly names: pulumi.Output<string[]>;

  constructor(name: string, args: ConfigVarsArgs, opts?: pulumi.CustomResourceOptions) {
    const sensitive = pulumi.output(args.sensitiveVars ?? {});
    // Key names are not secret. Taken straight from a plain map they are known even in a preview
    // where some values are not (a new service-account key), so the preview can list them.
    const names = isPlainMap(args.sensitiveVars)
      ? Object.keys(args.sensitiveVars).sort()
      : pulumi.unsecret(sensitive.apply((m) => Object.keys(m).sort()));
    super(
      configVarsProvider,
      name,
      {
        app: args.app,
        vars: args.vars ?? {},
        sensitiveVars: pulumi.secret(sensitive),
        sensitiveVarNames: names,
        ...(args.retainOnRemoval !== undefined
          ? { retainOnRemoval: [...args.retainOnRemoval] }
          : {}),
        appId: undefined,
        names: undefined,
      },
      pulumi.mergeOptions(opts, { additionalSecretOutputs: ["sensitiveVars"] }),
      "heroku",
      "ConfigVars",
    );
  }
}
