// Helpers shared by the Heroku dynamic providers: an exact, local diff over declared fields, 404
// handling, check-failure builders, polling with backoff and a deadline, and progress lines.
// Like client.ts this is serialized with each provider: globals only, no Node built-in imports,
// no module-level state, and no class-field initializers (`x = []`): Pulumi's closure serializer
// drops them, so assign fields in the constructor.
import type * as pulumi from "@pulumi/pulumi";
import { isNotFound, type HerokuClient } from "./client";

export {
  HerokuApiError,
  HerokuClient,
  herokuClientFromEnv,
  isApiError,
  isNotFound,
} from "./client";

/** Deep equality of JSON-like values where a missing key equals `undefined` (and `null`). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || a === null) return b === undefined || b === null;
  if (b === undefined || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => sameValue(v, b[i]));
  }
  if (typeof a === "object" && typeof b === "object") {
    const ra = a as Record<string, unknown>;
    const rb = b as Record<string, unknown>;
    const keys = new Set([...Object.keys(ra), ...Object.keys(rb)]);
    for (const k of keys) if (!sameValue(ra[k], rb[k])) return false;
    return true;
  }
  return false;
}

export interface DiffSpec<T> {
  /** Every input that the resource manages; others (outputs, `__provider`) are ignored. */
  fields: readonly (keyof T & string)[];
  /** Inputs whose change needs a new resource. */
  replaceKeys?: readonly (keyof T & string)[];
  /** Delete the old resource before creating the new one (unique names, single-slot things). */
  deleteBeforeReplace?: boolean;
  /** Per-field equality when plain deep equality is wrong (e.g. case-insensitive names). */
  equal?: Partial<Record<keyof T & string, (a: unknown, b: unknown) => boolean>>;
}

/** The properties among `fields` whose values differ. */
export function changedFields<T>(olds: Partial<T>, news: Partial<T>, spec: DiffSpec<T>): string[] {
  const o = olds as Record<string, unknown>;
  const n = news as Record<string, unknown>;
  return spec.fields.filter((f) => {
    const eq = spec.equal?.[f] ?? sameValue;
    return !eq(o[f], n[f]);
  });
}

/**
 * The exact `diff` answer over declared fields, computed locally (no API call): `changes` is
 * false when nothing differs, `replaces` lists the changed replace-keys.
 */
export function diffDeclared<T>(
  olds: Partial<T>,
  news: Partial<T>,
  spec: DiffSpec<T>,
): pulumi.dynamic.DiffResult {
  const changed = changedFields(olds, news, spec);
  const replaces = changed.filter((f) => (spec.replaceKeys ?? []).includes(f as keyof T & string));
  return {
    changes: changed.length > 0,
    replaces,
    deleteBeforeReplace: replaces.length > 0 && (spec.deleteBeforeReplace ?? false),
  };
}

/** Runs `call`; a 404 gives `undefined` instead of an error. */
export async function unlessNotFound<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** For `delete`: a 404 means someone already removed it, which is what we wanted. */
export async function deleteIgnoringNotFound(call: () => Promise<unknown>): Promise<void> {
  await unlessNotFound(call);
}

/** The `read` answer for a resource that no longer exists: Pulumi drops it from state. */
export function gone<O>(): pulumi.dynamic.ReadResult<O> {
  return { id: "" };
}

/**
 * What `check` methods validate with, made by a function that refers to nothing outside itself.
 * Pulumi's closure serializer walks every function and object a provider captures through V8's
 * inspector (milliseconds each, at the start of every preview and up); made this way they are one
 * walk instead of seventeen, in each of the 12 providers (docs/benchmarks.md, client.ts).
 * Providers reach `Failures` through `newFailures`, which calls this when it runs; the exports
 * below are for code that is not serialized.
 */
export function inputChecks() {
  /**
   * How the dynamic provider host passes a value that is not known yet (during preview) to `check`
   * and `diff`. Validation must let it through: the real value is checked again before `create`.
   */
  const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

  function isUnknown(value: unknown): boolean {
    return value === UNKNOWN;
  }

  /**
   * Shapes of the Heroku identities that enter URL paths, from the Platform API schema
   * (vendor/heroku/platform-api-schema.json: `definitions.<resource>.definitions.{id,name}`; every
   * `id` there has `format: uuid`). A value from config or from the API is checked against its
   * shape before it is used, so a typo or a malformed answer fails with the key's name instead of
   * reaching another endpoint.
   */
  const HEROKU_SHAPES = {
    uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
    appName: /^[a-z][a-z0-9-]{1,28}[a-z0-9]$/,
    addonName: /^[a-zA-Z][A-Za-z0-9_-]+$/,
    pipelineName: /^[a-z][a-z0-9-]{2,29}$/,
    sniEndpointName: /^[a-z][a-z0-9-]{2,29}$/,
  } as const;

  type HerokuShape = keyof typeof HEROKU_SHAPES;

  /** Whether `value` has one of the given shapes. */
  function hasShape(value: unknown, shapes: readonly HerokuShape[]): value is string {
    return typeof value === "string" && shapes.some((shape) => HEROKU_SHAPES[shape].test(value));
  }

  const SHAPE_RULES: Record<HerokuShape, string> = {
    uuid: "a Heroku id (uuid)",
    appName: "an app name (3-30 of a-z, 0-9, -, starting with a letter)",
    addonName: "an add-on name (a letter, then letters, digits, _ and -)",
    pipelineName: "a pipeline name (3-30 of a-z, 0-9, -, starting with a letter)",
    sniEndpointName: "an SNI endpoint name (3-30 of a-z, 0-9, -, starting with a letter)",
  };

  /** "an app name … or a Heroku id (uuid)", for messages. */
  function shapeRule(shapes: readonly HerokuShape[]): string {
    return shapes.map((shape) => SHAPE_RULES[shape]).join(" or ");
  }

  /**
   * Collects check failures that name the property, in the order they were found.
   * (Fields are assigned in the constructor: Pulumi's closure serializer drops class-field
   * initializers, so `list = []` would be undefined in the provider host.)
   */
  class Failures {
    readonly list: pulumi.dynamic.CheckFailure[];

    constructor() {
      this.list = [];
    }

    add(property: string, reason: string): void {
      this.list.push({ property, reason });
    }

    /** Requires a non-empty string, optionally matching `pattern` (described by `rule`). */
    string(inputs: object, property: string, opts: { pattern?: RegExp; rule?: string } = {}): void {
      const value = (inputs as Record<string, unknown>)[property];
      if (isUnknown(value)) return;
      if (typeof value !== "string" || value === "") {
        this.add(property, `\`${property}\` is required and must be a non-empty string`);
        return;
      }
      if (opts.pattern && !opts.pattern.test(value)) {
        this.add(
          property,
          `\`${property}\` ${JSON.stringify(value)} ${opts.rule ?? `must match ${opts.pattern}`}`,
        );
      }
    }

    /** Like `string` but the property may be absent. */
    optionalString(
      inputs: object,
      property: string,
      opts: { pattern?: RegExp; rule?: string } = {},
    ): void {
      const value = (inputs as Record<string, unknown>)[property];
      if (value === undefined || value === null) return;
      this.string(inputs, property, opts);
    }

    /**
     * Requires a Heroku identity of one of `shapes` (an app name or uuid, say): a value that goes
     * into a URL path is checked by shape before any request.
     */
    identity(inputs: object, property: string, shapes: readonly HerokuShape[]): void {
      const value = (inputs as Record<string, unknown>)[property];
      if (isUnknown(value)) return;
      if (typeof value !== "string" || value === "") {
        this.add(property, `\`${property}\` is required and must be ${shapeRule(shapes)}`);
      } else if (!hasShape(value, shapes)) {
        this.add(property, `\`${property}\` ${JSON.stringify(value)} must be ${shapeRule(shapes)}`);
      }
    }

    /** Like `identity` but the property may be absent. */
    optionalIdentity(inputs: object, property: string, shapes: readonly HerokuShape[]): void {
      const value = (inputs as Record<string, unknown>)[property];
      if (value === undefined || value === null) return;
      this.identity(inputs, property, shapes);
    }

    /** A map of strings whose keys match `keyPattern`. */
    stringMap(inputs: object, property: string, keyPattern?: RegExp, keyRule?: string): void {
      const value = (inputs as Record<string, unknown>)[property];
      if (value === undefined || value === null || isUnknown(value)) return;
      if (typeof value !== "object" || Array.isArray(value)) {
        this.add(property, `\`${property}\` must be a map of strings`);
        return;
      }
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (keyPattern && !keyPattern.test(k)) {
          this.add(
            property,
            `\`${property}\` key ${JSON.stringify(k)} ${keyRule ?? `must match ${keyPattern}`}`,
          );
        }
        if (typeof v !== "string" && !isUnknown(v)) {
          this.add(property, `\`${property}.${k}\` must be a string`);
        }
      }
    }

    result<I>(inputs: I): pulumi.dynamic.CheckResult<I> {
      return this.list.length > 0 ? { inputs, failures: this.list } : { inputs };
    }
  }

  return { UNKNOWN, isUnknown, HEROKU_SHAPES, hasShape, shapeRule, Failures };
}

export const { UNKNOWN, isUnknown, HEROKU_SHAPES, hasShape, shapeRule, Failures } = inputChecks();
export type Failures = InstanceType<typeof Failures>;
export type HerokuShape = keyof typeof HEROKU_SHAPES;

/** Check failures of one `check` call (`inputChecks`). */
export function newFailures(): Failures {
  const checks = inputChecks();
  return new checks.Failures();
}

/**
 * The error for a resource that exists but is not finished, e.g. an add-on still provisioning at
 * the deadline. It is the one error that carries an `id`, on purpose: Pulumi's dynamic provider
 * host then answers `ErrorResourceInitFailed` (cmd/dynamic-provider `grpcResponseFromError`), and
 * the engine saves the resource under `id` with `outputs` as its state, shows `message` (the only
 * text it keeps is `reasons`), and on the next `up` calls `update` even when nothing changed, so
 * the provider can finish it. `outputs` get the `__provider` of `inputs` (the inputs of `create`
 * or the news of `update` carry it): without it a refresh or destroy could not load the provider.
 */
export function halfCreated(
  id: string,
  outputs: object,
  inputs: object,
  message: string,
): Error & { id: string; properties: Record<string, unknown>; reasons: string[] } {
  const error = new Error(message) as Error & {
    id: string;
    properties: Record<string, unknown>;
    reasons: string[];
  };
  error.id = id;
  error.properties = { ...outputs, __provider: (inputs as Record<string, unknown>)["__provider"] };
  error.reasons = [message];
  return error;
}

/** A progress or warning line for the operator. The dynamic provider host forwards stderr. */
export function report(message: string): void {
  console.error(`heroku: ${message}`);
}

/** Positive integer from the environment, read when called; tests shorten polling this way. */
export function envMs(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value >= 0 && process.env[name] !== "" ? value : fallback;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface PollOptions<T> {
  /** One observation; return `done: true` with the value to stop. */
  probe: () => Promise<{ done: boolean; value: T; status: string }>;
  /** What is being waited for, for progress lines and the timeout error. */
  what: string;
  deadlineMs: number;
  intervalMs: number;
  maxIntervalMs: number;
}

/**
 * Polls with exponential backoff (×1.5, capped) until `probe` says done or the deadline passes,
 * printing a progress line whenever the observed status changes and at least every 30 s.
 */
export async function pollUntil<T>(options: PollOptions<T>): Promise<T> {
  const started = Date.now();
  let interval = options.intervalMs;
  let lastStatus = "";
  let lastReport = started;
  for (;;) {
    const result = await options.probe();
    if (result.done) return result.value;
    const elapsed = Date.now() - started;
    if (result.status !== lastStatus || Date.now() - lastReport >= 30_000) {
      report(`waiting for ${options.what}: ${result.status} (${Math.round(elapsed / 1000)} s)`);
      lastStatus = result.status;
      lastReport = Date.now();
    }
    if (elapsed + interval > options.deadlineMs) {
      throw new Error(
        `timed out after ${Math.round(elapsed / 1000)} s waiting for ${options.what} (last status: ${result.status})`,
      );
    }
    await sleep(interval);
    interval = Math.min(options.maxIntervalMs, Math.ceil(interval * 1.5));
  }
}

/**
 * One URL path segment for a name or id, percent-encoded. Refuses what encoding cannot make safe:
 * an empty segment, and `.`/`..`, which every URL parser (fetch's included) resolves as "this
 * folder"/"the parent" — `/apps/gyana-beta/sni-endpoints/..` would be sent as
 * `GET /apps/gyana-beta/` — even written `%2e%2e` (WHATWG URL Standard, "double-dot path
 * segment"). The check runs before any request, so a bad id never reaches the API.
 */
export function seg(value: string): string {
  if (typeof value !== "string" || value === "" || value === "." || value === "..") {
    throw new Error(
      `refusing ${JSON.stringify(value)} as a Heroku API path segment: a name or id must be ` +
        "a non-empty string other than . and ..",
    );
  }
  return encodeURIComponent(value);
}

/**
 * An id taken from an API answer, checked to be a uuid before it is used in a later path: the
 * answer is outside our control, and a path built from it must not go anywhere else.
 */
export function apiId(value: unknown, what: string): string {
  // Through inputChecks(), so the provider captures its one function, not the shapes.
  if (!inputChecks().hasShape(value, ["uuid"])) {
    throw new Error(
      `Heroku API returned ${JSON.stringify(value)} as the id of ${what}; expected a uuid`,
    );
  }
  return value;
}

/**
 * The `read` answer for a live resource: its outputs and the inputs that reproduce it, so that a
 * refresh (or a read with only an id) leaves inputs that match the live resource. (Pulumi types
 * `ReadResult.inputs` as the outputs type; inputs are a subset.)
 */
export function found<I, O extends I>(
  id: string,
  props: O,
  inputs: I,
): pulumi.dynamic.ReadResult<O> {
  return { id, props, inputs: inputs as O };
}

/** The app's uuid (one GET), for resources whose id is their app's. */
export async function appIdOf(client: HerokuClient, app: string): Promise<string> {
  const body = await client.get<{ id?: string }>(`/apps/${seg(app)}`);
  if (!body.id) throw new Error(`Heroku API GET /apps/${app} returned no id`);
  return apiId(body.id, `app ${app}`);
}

/**
 * For `update` when `app` changed: a rename (or name ↔ id) is the same app and fine; another app is
 * refused, because moving the resource silently would leave the old app half-configured.
 */
export async function assertSameApp(
  client: HerokuClient,
  type: string,
  appId: string,
  olds: { app: string },
  news: { app: string },
): Promise<void> {
  if (news.app === olds.app || news.app === appId) return;
  const target = await appIdOf(client, news.app);
  if (target !== appId) {
    throw new Error(
      `${type} \`app\` changed from \`${olds.app}\` to \`${news.app}\`, which is a different app. ` +
        `A ${type} cannot move between apps in place: add the resource option ` +
        '`replaceOnChanges: ["app"]` (or give the resource a new name) to replace it on purpose.',
    );
  }
}
