// Log drains and app webhooks: the two ways Honeybadger hears about the app.
import { logDrainShape, webhookShape } from "../shapes";
import { invalid, notFound, type Routes } from "../http";
import { newId } from "../ids";
import type { AppRecord, LogDrainRecord, WebhookRecord } from "../state";

function drain(app: AppRecord, identity: string): LogDrainRecord {
  const found = [...app.logDrains.values()].find(
    (d) => d.id === identity || d.url === identity || d.token === identity,
  );
  if (!found) throw notFound("drain");
  return found;
}

function webhook(app: AppRecord, id: string): WebhookRecord {
  const found = app.webhooks.get(id);
  if (!found) throw notFound("app webhook");
  return found;
}

/** The schema leaves `include` open; Heroku accepts only these entities (tf-provider's list). */
const WEBHOOK_ENTITIES = [
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

function checkInclude(include: string[] | undefined): void {
  const unknown = (include ?? []).filter((i) => !WEBHOOK_ENTITIES.includes(i));
  if (unknown.length) {
    throw invalid(`Include contains unsupported entities: ${unknown.join(", ")}`);
  }
}

interface WebhookBody {
  include?: string[];
  level?: "notify" | "sync";
  url?: string;
  secret?: string | null;
  authorization?: string | null;
}

export const drainRoutes: Routes = {
  "POST /apps/{app}/log-drains": ({ state, params, body }) => {
    const app = state.app(params.app!);
    const { url } = body as { url: string };
    if ([...app.logDrains.values()].some((d) => d.url === url)) {
      throw invalid("Url has already been taken");
    }
    if (!/^(https?|syslog(\+tls)?):\/\//.test(url)) throw invalid("Url is invalid");
    if (app.logDrains.size >= 5) throw invalid("You can only have 5 log drains per app.");
    const now = state.now();
    const record: LogDrainRecord = {
      id: newId(),
      url,
      token: `d.${newId()}`,
      createdAt: now,
      updatedAt: now,
    };
    app.logDrains.set(record.id, record);
    return { body: logDrainShape(app, record) };
  },
  "GET /apps/{app}/log-drains": ({ state, params }) => {
    const app = state.app(params.app!);
    return { list: [...app.logDrains.values()].map((d) => logDrainShape(app, d)) };
  },
  "GET /apps/{app}/log-drains/{log_drain}": ({ state, params }) => {
    const app = state.app(params.app!);
    return { body: logDrainShape(app, drain(app, params.log_drain!)) };
  },
  "DELETE /apps/{app}/log-drains/{log_drain}": ({ state, params }) => {
    const app = state.app(params.app!);
    const d = drain(app, params.log_drain!);
    app.logDrains.delete(d.id);
    return { body: logDrainShape(app, d) };
  },
  "POST /apps/{app}/webhooks": ({ state, params, body }) => {
    const app = state.app(params.app!);
    const b = body as Required<Pick<WebhookBody, "include" | "level" | "url">> & WebhookBody;
    if (app.webhooks.size >= 10) throw invalid("You can only have 10 webhooks per app.");
    checkInclude(b.include);
    const now = state.now();
    const record: WebhookRecord = {
      id: newId(),
      include: b.include,
      level: b.level,
      url: b.url,
      secret: b.secret ?? null,
      authorization: b.authorization ?? null,
      createdAt: now,
      updatedAt: now,
    };
    app.webhooks.set(record.id, record);
    return { body: webhookShape(app, record) };
  },
  "GET /apps/{app}/webhooks": ({ state, params }) => {
    const app = state.app(params.app!);
    return { list: [...app.webhooks.values()].map((w) => webhookShape(app, w)) };
  },
  "GET /apps/{app}/webhooks/{app_webhook}": ({ state, params }) => {
    const app = state.app(params.app!);
    return { body: webhookShape(app, webhook(app, params.app_webhook!)) };
  },
  "PATCH /apps/{app}/webhooks/{app_webhook}": ({ state, params, body }) => {
    const app = state.app(params.app!);
    const w = webhook(app, params.app_webhook!);
    const b = body as WebhookBody;
    checkInclude(b.include);
    if (b.include !== undefined) w.include = b.include;
    if (b.level !== undefined) w.level = b.level;
    if (b.url !== undefined) w.url = b.url;
    if (b.secret !== undefined) w.secret = b.secret;
    if (b.authorization !== undefined) w.authorization = b.authorization;
    w.updatedAt = state.now();
    return { body: webhookShape(app, w) };
  },
  "DELETE /apps/{app}/webhooks/{app_webhook}": ({ state, params }) => {
    const app = state.app(params.app!);
    const w = webhook(app, params.app_webhook!);
    app.webhooks.delete(w.id);
    return { body: webhookShape(app, w) };
  },
};
