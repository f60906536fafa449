// Heroku's published hyper-schema, turned into a route table and lazily compiled validators.
// The schema is read and prepared once per process; each link's request/response validator is
// compiled on first use, so starting an emulator costs little more than reading the JSON.
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv from "ajv-draft-04";
import type { ErrorObject, ValidateFunction } from "ajv";

const SCHEMA_ID = "http://api.heroku.com/schema";

/** The repository's copy of the schema (vendor/heroku/SOURCE.md says where it comes from). */
export const SCHEMA_PATH =
  process.env.HEROKU_SCHEMA_PATH ??
  path.resolve(__dirname, "../../../vendor/heroku/platform-api-schema.json");

interface RawLink {
  href: string;
  method: string;
  title?: string;
  schema?: unknown;
  targetSchema?: unknown;
}

export interface SchemaLink {
  definition: string;
  title: string;
  /** URI of the link inside the prepared schemas, e.g. `<SCHEMA_ID>/app#/links/0`. */
  pointer: string;
  hasRequestSchema: boolean;
  hasResponseSchema: boolean;
}

export interface SchemaRoute {
  method: string;
  /** Readable template, e.g. `/apps/{app}/config-vars`. */
  template: string;
  /** `METHOD template`, the key used in counts and by route handlers. */
  key: string;
  params: string[];
  regex: RegExp;
  literalSegments: number;
  links: SchemaLink[];
}

/** Names used for path parameters in readable templates, keyed by the schema definition. */
function paramName(definition: string, member: string): string {
  if (member === "formation_type") return "formation_type";
  if (definition === "add-on") return "addon";
  if (definition === "add-on-attachment") return "addon_attachment";
  if (definition === "account") return "account";
  return definition.replace(/-/g, "_");
}

/** interagent's `strictProperties: true` means "exactly these properties, all present". */
function applyStrictProperties(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) applyStrictProperties(item);
    return;
  }
  if (!node || typeof node !== "object") return;
  const obj = node as Record<string, unknown>;
  if (obj.strictProperties === true && obj.properties && typeof obj.properties === "object") {
    const keys = Object.keys(obj.properties as object);
    const required = new Set([...((obj.required as string[] | undefined) ?? []), ...keys]);
    obj.required = [...required];
    if (obj.additionalProperties === undefined) obj.additionalProperties = false;
  }
  delete obj.strictProperties;
  // Some nested objects carry example values under `id`, which draft-04 reads as a base URI.
  if (typeof obj.id === "string") delete obj.id;
  for (const value of Object.values(obj)) applyStrictProperties(value);
}

/** `#/definitions/app/definitions/name` → `<SCHEMA_ID>/app#/definitions/name`. */
function rewriteRefs(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) rewriteRefs(item);
    return;
  }
  if (!node || typeof node !== "object") return;
  const obj = node as Record<string, unknown>;
  if (typeof obj.$ref === "string") {
    const m = /^#\/definitions\/([^/]+)(.*)$/.exec(obj.$ref);
    if (m) obj.$ref = `${SCHEMA_ID}/${m[1]}#${m[2]}`;
  }
  for (const value of Object.values(obj)) rewriteRefs(value);
}

interface Prepared {
  ajv: Ajv;
  routes: SchemaRoute[];
}

let prepared: Prepared | undefined;
const validators = new Map<string, ValidateFunction>();

const FORMATS: Record<string, RegExp> = {
  "date-time": /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/,
  date: /^\d{4}-\d{2}-\d{2}$/,
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  email: /^[^@\s]+@[^@\s]+$/,
  // Heroku marks plain hostnames (domain `hostname`) as `uri`, and accepts them.
  uri: /^\S+$/,
  ipv4: /^(\d{1,3}\.){3}\d{1,3}$/,
};

function prepare(): Prepared {
  if (prepared) return prepared;
  const root = JSON.parse(fs.readFileSync(SCHEMA_PATH, "utf8")) as {
    definitions: Record<string, { links?: RawLink[] }>;
    [key: string]: unknown;
  };
  const routes = new Map<string, SchemaRoute>();
  for (const [definition, def] of Object.entries(root.definitions)) {
    (def.links ?? []).forEach((link, index) => {
      const params: string[] = [];
      // Parameters are `{(<url-encoded JSON pointer>)}`; encoded, they hold no `/`.
      const segments = link.href
        .split("/")
        .filter(Boolean)
        .map((segment) => {
          const m = /^\{\((.+)\)\}$/.exec(segment);
          if (!m) return { text: segment, param: undefined };
          const parts = decodeURIComponent(m[1]!).split("/");
          const name = paramName(parts[2] ?? "param", parts[4] ?? "identity");
          params.push(name);
          return { text: `{${name}}`, param: name };
        });
      const template = "/" + segments.map((s) => s.text).join("/");
      const regex = new RegExp(
        "^/" +
          segments
            .map((s) => (s.param ? "([^/]+)" : s.text.replace(/[.*+?^${}()|[\]\\~]/g, "\\$&")))
            .join("/") +
          "/?$",
      );
      const key = `${link.method.toUpperCase()} ${template}`;
      let route = routes.get(key);
      if (!route) {
        route = {
          method: link.method.toUpperCase(),
          template,
          key,
          params,
          regex,
          literalSegments: segments.filter((s) => !s.param).length,
          links: [],
        };
        routes.set(key, route);
      }
      route.links.push({
        definition,
        title: link.title ?? "",
        pointer: `${SCHEMA_ID}/${definition}#/links/${index}`,
        hasRequestSchema: link.schema !== undefined,
        hasResponseSchema: link.targetSchema !== undefined,
      });
    });
  }
  // Heroku returns every field of a resource. The schema says so (strictProperties) for most
  // resources but not all (pipeline, pipeline-coupling, team-app): hold those to it too, except
  // add-on-config, which a request body also uses.
  for (const [name, def] of Object.entries(root.definitions) as [
    string,
    Record<string, unknown>,
  ][]) {
    if (def.properties && def.required === undefined && name !== "add-on-config") {
      def.strictProperties = true;
    }
  }
  applyStrictProperties(root);
  const ajv = new Ajv({ strict: false, validateSchema: false, allErrors: false });
  for (const [name, re] of Object.entries(FORMATS)) ajv.addFormat(name, re);
  // One schema per definition, so compiling a link compiles only the definitions it reaches
  // (compiling the whole document up front costs about half a second).
  rewriteRefs(root.definitions);
  for (const [definition, def] of Object.entries(root.definitions)) {
    ajv.addSchema(def as object, `${SCHEMA_ID}/${definition}`);
  }
  // Literal segments win over parameters (`/users/~/…` before `/users/{account}/…`).
  const sorted = [...routes.values()].sort((a, b) => b.literalSegments - a.literalSegments);
  prepared = { ajv, routes: sorted };
  return prepared;
}

export function schemaRoutes(): SchemaRoute[] {
  return prepare().routes;
}

export interface MatchedRoute {
  route: SchemaRoute;
  params: Record<string, string>;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export function matchRoute(method: string, pathname: string): MatchedRoute | undefined {
  for (const route of prepare().routes) {
    if (route.method !== method) continue;
    const m = route.regex.exec(pathname);
    if (!m) continue;
    const params: Record<string, string> = {};
    route.params.forEach((name, i) => {
      params[name] = safeDecode(m[i + 1]!);
    });
    return { route, params };
  }
  return undefined;
}

/** True when some route has this path under another method (for 405-ish answers). */
export function pathKnown(pathname: string): boolean {
  return prepare().routes.some((r) => r.regex.test(pathname));
}

function validator(pointer: string, part: "schema" | "targetSchema"): ValidateFunction {
  const key = `${pointer}/${part}`;
  let fn = validators.get(key);
  if (!fn) {
    const found = prepare().ajv.getSchema(key);
    if (!found) throw new Error(`no schema at ${key}`);
    fn = found;
    validators.set(key, fn);
  }
  return fn;
}

function describe(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .map((e) => `${e.instancePath || "(body)"} ${e.message ?? "is invalid"}${paramsText(e)}`)
    .join("; ");
}

function paramsText(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  if (typeof p.additionalProperty === "string") return ` (${p.additionalProperty})`;
  return "";
}

/**
 * Validates a body against the route's links. Routes with several links (release create vs
 * rollback) accept a body that any of them accepts. Returns undefined when valid.
 */
export function validateBody(
  route: SchemaRoute,
  part: "schema" | "targetSchema",
  body: unknown,
): string | undefined {
  const links = route.links.filter((l) =>
    part === "schema" ? l.hasRequestSchema : l.hasResponseSchema,
  );
  if (links.length === 0) return undefined;
  const problems: string[] = [];
  for (const link of links) {
    const fn = validator(link.pointer, part);
    if (fn(body)) return undefined;
    problems.push(`${link.title}: ${describe(fn.errors)}`);
  }
  return problems.join(" | ");
}
