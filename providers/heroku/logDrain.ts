// Heroku log drain (Terraform: heroku_drain). The API has no update: a new URL is a new drain,
// so any change replaces it (create the new drain, then delete the old one; the app never goes
// without a drain). The URL usually carries an API key, so it is a secret input and output.
import * as pulumi from "@pulumi/pulumi";
import { herokuClientFromEnv, isApiError } from "./client";
import {
  newFailures,
  deleteIgnoringNotFound,
  found,
  diffDeclared,
  envMs,
  gone,
  report,
  seg,
  sleep,
  unlessNotFound,
} from "./providerKit";

export interface LogDrainInputs {
  /** App name or id. */
  app: string;
  /** Drain URL: `https://…`, `syslog://…` or `syslog+tls://…`. */
  url: string;
}

export interface LogDrainOutputs extends LogDrainInputs {
  drainId: string;
  /** Logplex token of the drain (`d.…`), shown in the drain's log lines. */
  token: string;
}

interface DrainBody {
  id: string;
  url: string;
  token: string;
}

const URL_PATTERN = /^(https|syslog|syslog\+tls):\/\/\S+$/;

function outputsFrom(drain: DrainBody, app: string): LogDrainOutputs {
  return { app, url: drain.url, drainId: drain.id, token: drain.token };
}

export const logDrainProvider: pulumi.dynamic.ResourceProvider<LogDrainInputs, LogDrainOutputs> = {
  async check(_olds, news) {
    const failures = newFailures();
    failures.identity(news, "app", ["appName", "uuid"]);
    // The URL carries an API key: the message must not echo it.
    if (typeof news.url !== "string" || !URL_PATTERN.test(news.url)) {
      failures.add("url", "`url` must be an https://, syslog:// or syslog+tls:// URL");
    }
    return failures.result(news);
  },

  async diff(_id, olds, news) {
    return diffDeclared<LogDrainInputs>(olds, news, {
      fields: ["app", "url"],
      replaceKeys: ["app", "url"],
    });
  },

  async create(inputs) {
    const client = herokuClientFromEnv();
    const path = `/apps/${seg(inputs.app)}/log-drains`;
    const deadline = Date.now() + envMs("HEROKU_DRAIN_CHANNEL_WAIT_MS", 120_000);
    let delay = 1_000;
    // A drain with this exact URL already there (added by hand from Honeybadger's guide, or an
    // interrupted create) is the same drain: take it without sending a create that Heroku refuses.
    const same = (await client.list<DrainBody>(path)).find((d) => d.url === inputs.url);
    if (same) {
      report(`log drain ${same.id} with this URL already exists; adopting it`);
      return { id: same.id, outs: outputsFrom(same, inputs.app) };
    }
    for (;;) {
      try {
        const drain = await client.post<DrainBody>(path, { url: inputs.url });
        return { id: drain.id, outs: outputsFrom(drain, inputs.app) };
      } catch (err) {
        if (!isApiError(err, 422)) throw err;
        // An interrupted earlier create, or a drain added by hand with this exact URL: it is
        // the same drain, so adopting it is safe (the URL names the destination and its key).
        const existing = (await client.list<DrainBody>(path)).find((d) => d.url === inputs.url);
        if (existing) {
          report(`log drain ${existing.id} with this URL already exists; adopting it`);
          return { id: existing.id, outs: outputsFrom(existing, inputs.app) };
        }
        // A new app gets its log channel a moment after creation (terraform-provider-heroku
        // retries this for 2 minutes).
        if (!/log channel/i.test(err.message) || Date.now() + delay > deadline) throw err;
        report("app has no log channel yet; retrying the log drain");
        await sleep(delay);
        delay = Math.min(10_000, delay * 2);
      }
    }
  },

  async read(id, props) {
    const app = props?.app;
    if (!app) throw new Error("LogDrain read needs the app (import is not supported)");
    const client = herokuClientFromEnv();
    const drain = await unlessNotFound(() =>
      client.get<DrainBody>(`/apps/${seg(app)}/log-drains/${seg(id)}`),
    );
    if (!drain) return gone();
    const outs = outputsFrom(drain, app);
    return found<LogDrainInputs, LogDrainOutputs>(drain.id, outs, { app, url: outs.url });
  },

  async delete(id, props) {
    const client = herokuClientFromEnv();
    await deleteIgnoringNotFound(() =>
      client.delete(`/apps/${seg(props.app)}/log-drains/${seg(id)}`),
    );
  },
};

export interface LogDrainArgs {
  /** App name or id (prefer the id: a rename then does not replace the drain). */
  readonly app: pulumi.Input<string>;
  /** Drain URL; stored as a secret. Changing it replaces the drain. */
  readonly url: pulumi.Input<string>;
}

/** A Heroku log drain. Type token `pulumi-nodejs:dynamic/heroku:LogDrain`; id = the drain id. */
export class LogDrain extends pulumi.dynamic.Resource {
  declare readonly app: pulumi.Output<string>;
  declare readonly url: pulumi.Output<string>;
  declare readonly drainId: pulumi.Output<string>;
  declare readonly token: pulumi.Output<string>;

  constructor(name: string, args: LogDrainArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      logDrainProvider,
      name,
      { ...args, url: pulumi.secret(args.url), drainId: undefined, token: undefined },
      { ...opts, additionalSecretOutputs: ["url", ...(opts?.additionalSecretOutputs ?? [])] },
      "heroku",
      "LogDrain",
    );
  }
}
