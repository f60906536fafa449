// RETIRED: `ConfigVarQuerySuffix` used to PATCH REDIS_URL to append `?ssl_cert_reqs=none`. Heroku
// refuses every write of a config var an add-on attachment provides ("Cannot overwrite attachment
// values REDIS_URL."), so it could never work; the parameter now comes from the Redis TLS
// buildpack at dyno start (docs/redis-tls.md). This file keeps only what stacks made with the old
// resource need to leave it behind without touching REDIS_URL.
//
// Why the resource is still declared (as `app-redis-tls`, same type, same name): Pulumi runs a
// dynamic resource's delete with the provider code saved in its STATE, not the program's. The old
// code's delete strips the parameter from REDIS_URL with a PATCH whenever the live URL carries it,
// and Heroku answers that PATCH with 422, so simply dropping the declaration would fail the `up`
// that removes it. Declared with this provider instead, an old entry gets one `update` (no API
// call) that saves this code in its state; from then on, read, update and delete make no API
// call at all. New stacks get an inert entry the same way. Once every stack has run `up` with this
// version, the declaration can be dropped: the delete that follows is this file's, a no-op.
import * as pulumi from "@pulumi/pulumi";

export interface ConfigVarQuerySuffixInputs {
  /** App name or id (kept for the record; nothing is read or written). */
  app: string;
}

export interface ConfigVarQuerySuffixOutputs extends ConfigVarQuerySuffixInputs {
  /** Marks state written by this retired provider; old entries lack it and get one update. */
  retired: true;
}

export const configVarQuerySuffixProvider: pulumi.dynamic.ResourceProvider<
  ConfigVarQuerySuffixInputs,
  ConfigVarQuerySuffixOutputs
> = {
  async check(_olds, news) {
    return { inputs: news };
  },

  async diff(_id, olds) {
    // An entry made by the old provider (no `retired` mark) is updated once, so that its state
    // holds this code; inputs no longer matter.
    const legacy = (olds as Partial<ConfigVarQuerySuffixOutputs>).retired !== true;
    return { changes: legacy, replaces: [], deleteBeforeReplace: false };
  },

  async create(inputs) {
    return { id: `${inputs.app}/REDIS_URL`, outs: { app: inputs.app, retired: true } };
  },

  async read(id, props) {
    return { id, props: { app: props?.app ?? "", retired: true } };
  },

  async update(_id, _olds, news) {
    return { outs: { app: news.app, retired: true } };
  },

  async delete() {
    // Nothing to give back: REDIS_URL belongs to the add-on (Heroku refuses writes to it and sets
    // it itself), and the parameter lives only in each dyno's environment (the buildpack).
  },
};

export interface ConfigVarQuerySuffixArgs {
  /** App name or id. */
  readonly app: pulumi.Input<string>;
}

/**
 * The retired REDIS_URL parameter resource, inert (see the file comment). Type token
 * `pulumi-nodejs:dynamic/heroku:ConfigVarQuerySuffix`.
 */
export class ConfigVarQuerySuffix extends pulumi.dynamic.Resource {
  declare readonly app: pulumi.Output<string>;
  declare readonly retired: pulumi.Output<boolean>;

  constructor(name: string, args: ConfigVarQuerySuffixArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      configVarQuerySuffixProvider,
      name,
      { ...args, retired: undefined },
      opts,
      "heroku",
      "ConfigVarQuerySuffix",
    );
  }
}
