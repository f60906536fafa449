// Keeps a query parameter on a config var that an add-on owns: the app needs
// `REDIS_URL=<add-on URL>?ssl_cert_reqs=none` (Heroku Key-Value Store uses self-signed TLS
// certificates), but Heroku sets REDIS_URL and rewrites it on credential rotation, failover and
// maintenance, dropping the parameter. See docs/redis-tls.md.
//
// The resource does not own the value (ConfigVars does not either): it owns one fact, "the live
// value carries the parameter". `read` reports that fact (`applied`), so a refresh after a
// rotation shows drift and the next diff asks for an update, which re-appends the parameter to
// whatever URL Heroku set. It never writes a value it made up and never blanks the var: if the
// var is missing it waits for the add-on to set it (create) or reports `present: false` (read).
import * as pulumi from "@pulumi/pulumi";
import { herokuClientFromEnv } from "./client";
import {
  Failures,
  diffDeclared,
  envMs,
  gone,
  pollUntil,
  report,
  seg,
  unlessNotFound,
} from "./providerKit";

export interface ConfigVarQuerySuffixInputs {
  /** App name or id. */
  app: string;
  /** Config var to keep suffixed, e.g. `REDIS_URL`. */
  name: string;
  /** One `key=value` query parameter, e.g. `ssl_cert_reqs=none`. */
  param: string;
  /**
   * What sets the var, e.g. the Redis add-on's id. Only a trigger: a new add-on means a new URL,
   * so the parameter is applied again. Optional.
   */
  source?: string;
}

export interface ConfigVarQuerySuffixOutputs extends ConfigVarQuerySuffixInputs {
  /** The live value carries the parameter. False after Heroku rewrote the var. */
  applied: boolean;
  /** The var exists on the app. */
  present: boolean;
}

type ConfigVarsBody = Record<string, string | null>;

const NAME_PATTERN = /^\w+$/;
const PARAM_PATTERN = /^[\w.-]+=[\w.%-]*$/;

/** `value` with `param` in its query: appended with `?` or `&`, or replacing the same key. */
export function withQueryParam(value: string, param: string): string {
  const key = param.slice(0, param.indexOf("="));
  const hash = value.indexOf("#");
  const fragment = hash >= 0 ? value.slice(hash) : "";
  const base = hash >= 0 ? value.slice(0, hash) : value;
  const q = base.indexOf("?");
  if (q < 0) return `${base}?${param}${fragment}`;
  const pairs = base
    .slice(q + 1)
    .split("&")
    .filter((p) => p !== "");
  const at = pairs.findIndex((p) => p === key || p.startsWith(`${key}=`));
  if (at >= 0) pairs[at] = param;
  else pairs.push(param);
  return `${base.slice(0, q)}?${pairs.join("&")}${fragment}`;
}

/** The value carries exactly `param` in its query. */
export function hasQueryParam(value: string, param: string): boolean {
  return withQueryParam(value, param) === value;
}

function outputsFrom(
  inputs: ConfigVarQuerySuffixInputs,
  value: string | null | undefined,
): ConfigVarQuerySuffixOutputs {
  const present = typeof value === "string" && value !== "";
  const out: ConfigVarQuerySuffixOutputs = {
    app: inputs.app,
    name: inputs.name,
    param: inputs.param,
    applied: present && hasQueryParam(value, inputs.param),
    present,
  };
  if (inputs.source !== undefined) out.source = inputs.source;
  return out;
}

/** Waits for the var (an add-on sets it once provisioned), then adds the parameter if missing. */
async function apply(inputs: ConfigVarQuerySuffixInputs): Promise<ConfigVarQuerySuffixOutputs> {
  const client = herokuClientFromEnv();
  const path = `/apps/${seg(inputs.app)}/config-vars`;
  const current = await pollUntil<string>({
    what: `${inputs.name} on ${inputs.app} (set by its add-on)`,
    deadlineMs: envMs("HEROKU_ADDON_CONFIG_DEADLINE_MS", 300_000),
    intervalMs: envMs("HEROKU_POLL_INTERVAL_MS", 2_000),
    maxIntervalMs: envMs("HEROKU_POLL_MAX_INTERVAL_MS", 15_000),
    probe: async () => {
      const vars = await client.get<ConfigVarsBody>(path);
      const value = vars[inputs.name];
      return typeof value === "string" && value !== ""
        ? { done: true, value, status: "set" }
        : { done: false, value: "", status: "not set yet" };
    },
  });
  if (hasQueryParam(current, inputs.param)) return outputsFrom(inputs, current);
  const vars = await client.patch<ConfigVarsBody>(path, {
    [inputs.name]: withQueryParam(current, inputs.param),
  });
  return outputsFrom(inputs, vars[inputs.name]);
}

export const configVarQuerySuffixProvider: pulumi.dynamic.ResourceProvider<
  ConfigVarQuerySuffixInputs,
  ConfigVarQuerySuffixOutputs
> = {
  async check(_olds, news) {
    const failures = new Failures();
    failures.identity(news, "app", ["appName", "uuid"]);
    failures.string(news, "name", { pattern: NAME_PATTERN, rule: "must match ^\\w+$" });
    failures.string(news, "param", {
      pattern: PARAM_PATTERN,
      rule: "must be one key=value query parameter, e.g. ssl_cert_reqs=none",
    });
    failures.optionalString(news, "source");
    return failures.result(news);
  },

  async diff(_id, olds, news) {
    const declared = diffDeclared<ConfigVarQuerySuffixInputs>(olds, news, {
      fields: ["app", "name", "param", "source"],
      replaceKeys: ["app", "name"],
    });
    // The refreshed state says the live value lost the parameter: apply it again.
    const lost = olds.applied === false;
    return { ...declared, changes: declared.changes || lost };
  },

  async create(inputs) {
    const outs = await apply(inputs);
    return { id: `${inputs.app}/${inputs.name}`, outs };
  },

  async read(id, props) {
    if (!props?.app) throw new Error("ConfigVarQuerySuffix read needs its inputs");
    const client = herokuClientFromEnv();
    const vars = await unlessNotFound(() =>
      client.get<ConfigVarsBody>(`/apps/${seg(props.app)}/config-vars`),
    );
    if (!vars) return gone();
    const outs = outputsFrom(props, vars[props.name]);
    if (!outs.applied) {
      report(
        outs.present
          ? `${props.name} on ${props.app} lost \`${props.param}\` (rewritten by Heroku); up will add it again`
          : `${props.name} is not set on ${props.app}`,
      );
    }
    return { id, props: outs };
  },

  async update(_id, _olds, news) {
    return { outs: await apply(news) };
  },

  async delete(_id, props) {
    // Give the var back as Heroku set it: drop the parameter, never the var.
    const client = herokuClientFromEnv();
    const path = `/apps/${seg(props.app)}/config-vars`;
    const vars = await unlessNotFound(() => client.get<ConfigVarsBody>(path));
    const value = vars?.[props.name];
    if (typeof value !== "string" || !hasQueryParam(value, props.param)) return;
    const stripped = withoutQueryParam(value, props.param);
    await unlessNotFound(() => client.patch(path, { [props.name]: stripped }));
  },
};

/** `value` without the `param` pair (and without a `?` left empty). */
export function withoutQueryParam(value: string, param: string): string {
  const hash = value.indexOf("#");
  const fragment = hash >= 0 ? value.slice(hash) : "";
  const base = hash >= 0 ? value.slice(0, hash) : value;
  const q = base.indexOf("?");
  if (q < 0) return value;
  const pairs = base
    .slice(q + 1)
    .split("&")
    .filter((p) => p !== "" && p !== param);
  return `${base.slice(0, q)}${pairs.length > 0 ? `?${pairs.join("&")}` : ""}${fragment}`;
}

export interface ConfigVarQuerySuffixArgs {
  /** App name or id. Changing it replaces the resource. */
  readonly app: pulumi.Input<string>;
  /** The add-on-owned var, e.g. `REDIS_URL`. Changing it replaces the resource. */
  readonly name: pulumi.Input<string>;
  /** One `key=value` query parameter, e.g. `ssl_cert_reqs=none`. */
  readonly param: pulumi.Input<string>;
  /** What sets the var (the add-on id): a change re-applies the parameter. Default: none. */
  readonly source?: pulumi.Input<string>;
}

/**
 * Keeps `param` in the query of an add-on-owned config var. Type token
 * `pulumi-nodejs:dynamic/heroku:ConfigVarQuerySuffix`; id = `<app>/<name>`.
 */
export class ConfigVarQuerySuffix extends pulumi.dynamic.Resource {
  declare readonly app: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly param: pulumi.Output<string>;
  declare readonly applied: pulumi.Output<boolean>;
  declare readonly present: pulumi.Output<boolean>;

  constructor(name: string, args: ConfigVarQuerySuffixArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      configVarQuerySuffixProvider,
      name,
      { ...args, applied: undefined, present: undefined },
      opts,
      "heroku",
      "ConfigVarQuerySuffix",
    );
  }
}
