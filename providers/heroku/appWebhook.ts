// Heroku app webhook (Terraform: heroku_app_webhook): an HTTP subscription to app events, e.g.
// `api:release` for deploy tracking. Every field but the app changes in place (PATCH). `secret`
// and `authorization` are write-only in the API: a refresh cannot see them, so their drift is
// invisible and they are compared with what was last applied.
import * as pulumi from "@pulumi/pulumi";
import { herokuClientFromEnv, isApiError } from "./client";
import {
  newFailures,
  changedFields,
  deleteIgnoringNotFound,
  found,
  diffDeclared,
  gone,
  report,
  seg,
  unlessNotFound,
} from "./providerKit";

export type WebhookLevel = "notify" | "sync";

export interface AppWebhookInputs {
  /** App name or id. */
  app: string;
  /** Entities to subscribe to, e.g. `["api:release"]`. */
  include: string[];
  /** `notify`: one delivery attempt; `sync`: retried until it succeeds. */
  level: WebhookLevel;
  /** Delivery URL (secret: it usually carries a key). */
  url: string;
  /** Signs deliveries (`Heroku-Webhook-Hmac-SHA256`). Write-only. */
  secret?: string;
  /** Sent as the `Authorization` header of deliveries. Write-only. */
  authorization?: string;
}

export interface AppWebhookOutputs extends AppWebhookInputs {
  webhookId: string;
}

interface WebhookBody {
  id: string;
  include: string[];
  level: WebhookLevel;
  url: string;
}

// terraform-provider-heroku validates include against this list; the schema does not enumerate it.
const ENTITIES = [
  "api:addon-attachment",
  "api:addon",
  "api:app",
  "api:build",
  "api:collaborator",
  "api:domain",
  "api:dyno",
  "api:formation",
  "api:release",
  "api:sni-endpoint",
  "dyno",
];
const UPDATABLE = ["include", "level", "url", "secret", "authorization"] as const;

function outputsFrom(hook: WebhookBody, inputs: AppWebhookInputs): AppWebhookOutputs {
  const out: AppWebhookOutputs = {
    app: inputs.app,
    include: hook.include,
    level: hook.level,
    url: hook.url,
    webhookId: hook.id,
  };
  if (inputs.secret !== undefined) out.secret = inputs.secret;
  if (inputs.authorization !== undefined) out.authorization = inputs.authorization;
  return out;
}

function body(inputs: Partial<AppWebhookInputs>, fields: readonly string[]) {
  const b: Record<string, unknown> = {};
  const i = inputs as Record<string, unknown>;
  // A write-only field that was removed is cleared with null.
  for (const f of fields) b[f] = i[f] ?? null;
  return b;
}

export const appWebhookProvider: pulumi.dynamic.ResourceProvider<
  AppWebhookInputs,
  AppWebhookOutputs
> = {
  async check(_olds, news) {
    const failures = newFailures();
    failures.identity(news, "app", ["appName", "uuid"]);
    if (!Array.isArray(news.include) || news.include.length === 0) {
      failures.add("include", "`include` must list at least one entity, e.g. api:release");
    } else {
      for (const entity of news.include) {
        if (!ENTITIES.includes(entity)) {
          failures.add(
            "include",
            `\`include\` entity ${JSON.stringify(entity)} is not one of: ${ENTITIES.join(", ")}`,
          );
        }
      }
    }
    if (news.level !== "notify" && news.level !== "sync") {
      failures.add("level", "`level` must be notify or sync");
    }
    if (typeof news.url !== "string" || !/^https?:\/\/\S+$/.test(news.url)) {
      // Secret: do not echo the value.
      failures.add("url", "`url` must be an http(s):// URL");
    }
    for (const f of ["secret", "authorization"] as const) {
      if (news[f] !== undefined && news[f] !== null && typeof news[f] !== "string") {
        failures.add(f, `\`${f}\` must be a string`);
      }
    }
    return failures.result(news);
  },

  async diff(_id, olds, news) {
    return diffDeclared<AppWebhookInputs>(olds, news, {
      fields: ["app", ...UPDATABLE],
      replaceKeys: ["app"],
    });
  },

  async create(inputs) {
    const client = herokuClientFromEnv();
    const path = `/apps/${seg(inputs.app)}/webhooks`;
    const fields = ["include", "level", "url", "secret", "authorization"].filter(
      (f) => (inputs as unknown as Record<string, unknown>)[f] !== undefined,
    );
    // A subscription with this exact URL already there (made by hand from the destination's
    // guide, or an interrupted create) is the same destination and key: take it, make it match.
    const same = (await client.list<WebhookBody>(path)).find((h) => h.url === inputs.url);
    if (same) {
      report(`webhook ${same.id} with this URL already exists; adopting it`);
      const matches =
        same.level === inputs.level &&
        JSON.stringify([...(same.include ?? [])].sort()) ===
          JSON.stringify([...inputs.include].sort()) &&
        inputs.secret === undefined &&
        inputs.authorization === undefined;
      const hook = matches
        ? same
        : await client.patch<WebhookBody>(`${path}/${seg(same.id)}`, body(inputs, UPDATABLE));
      return { id: hook.id, outs: outputsFrom(hook, inputs) };
    }
    try {
      const hook = await client.post<WebhookBody>(path, body(inputs, fields));
      return { id: hook.id, outs: outputsFrom(hook, inputs) };
    } catch (err) {
      if (!isApiError(err, 422)) throw err;
      // The same URL already subscribed (an interrupted create): take it and make it match.
      const existing = (await client.list<WebhookBody>(path)).find((h) => h.url === inputs.url);
      if (!existing) throw err;
      report(`webhook ${existing.id} with this URL already exists; adopting it`);
      const hook = await client.patch<WebhookBody>(
        `${path}/${seg(existing.id)}`,
        body(inputs, UPDATABLE),
      );
      return { id: hook.id, outs: outputsFrom(hook, inputs) };
    }
  },

  async read(id, props) {
    const app = props?.app;
    if (!app) throw new Error("AppWebhook read needs the app (import is not supported)");
    const client = herokuClientFromEnv();
    const hook = await unlessNotFound(() =>
      client.get<WebhookBody>(`/apps/${seg(app)}/webhooks/${seg(id)}`),
    );
    if (!hook) return gone();
    // secret/authorization are not returned: keep what was applied.
    const outs = outputsFrom(hook, props as AppWebhookInputs);
    const { webhookId: _w, ...inputs } = outs;
    return found<AppWebhookInputs, AppWebhookOutputs>(hook.id, outs, inputs);
  },

  async update(id, olds, news) {
    const client = herokuClientFromEnv();
    const changed = changedFields<AppWebhookInputs>(olds, news, { fields: UPDATABLE });
    const hook = await client.patch<WebhookBody>(
      `/apps/${seg(news.app)}/webhooks/${seg(id)}`,
      body(news, changed),
    );
    return { outs: outputsFrom(hook, news) };
  },

  async delete(id, props) {
    const client = herokuClientFromEnv();
    await deleteIgnoringNotFound(() =>
      client.delete(`/apps/${seg(props.app)}/webhooks/${seg(id)}`),
    );
  },
};

export interface AppWebhookArgs {
  /** App name or id (prefer the id: a rename then does not replace the webhook). */
  readonly app: pulumi.Input<string>;
  /** Entities to subscribe to, e.g. `["api:release"]`. */
  readonly include: pulumi.Input<pulumi.Input<string>[]>;
  /** `notify` (one attempt) or `sync` (retried). */
  readonly level: pulumi.Input<WebhookLevel>;
  /** Delivery URL; stored as a secret. */
  readonly url: pulumi.Input<string>;
  /** HMAC secret for deliveries; write-only, stored as a secret. Default: none. */
  readonly secret?: pulumi.Input<string>;
  /** `Authorization` header for deliveries; write-only, stored as a secret. Default: none. */
  readonly authorization?: pulumi.Input<string>;
}

/** A Heroku app webhook. Type token `pulumi-nodejs:dynamic/heroku:AppWebhook`. */
export class AppWebhook extends pulumi.dynamic.Resource {
  declare readonly app: pulumi.Output<string>;
  declare readonly include: pulumi.Output<string[]>;
  declare readonly level: pulumi.Output<WebhookLevel>;
  declare readonly url: pulumi.Output<string>;
  declare readonly webhookId: pulumi.Output<string>;

  constructor(name: string, args: AppWebhookArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      appWebhookProvider,
      name,
      {
        ...args,
        url: pulumi.secret(args.url),
        ...(args.secret !== undefined ? { secret: pulumi.secret(args.secret) } : {}),
        ...(args.authorization !== undefined
          ? { authorization: pulumi.secret(args.authorization) }
          : {}),
        webhookId: undefined,
      },
      {
        ...opts,
        additionalSecretOutputs: [
          "url",
          "secret",
          "authorization",
          ...(opts?.additionalSecretOutputs ?? []),
        ],
      },
      "heroku",
      "AppWebhook",
    );
  }
}
