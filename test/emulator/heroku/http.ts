// The contract between the server and the route files.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { EmulatorState } from "./state";

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly id: string,
    message: string,
  ) {
    super(message);
  }
}

export const notFound = (thing: string): HttpError =>
  new HttpError(404, "not_found", `Couldn't find that ${thing}.`);

export const invalid = (message: string): HttpError =>
  new HttpError(422, "invalid_params", message);

export interface Ctx {
  state: EmulatorState;
  params: Record<string, string>;
  /** The parsed JSON body, already checked against the link's request schema. */
  body: unknown;
  /** The query string, e.g. `eq[name]=gyana` of `GET /pipelines?eq[name]=gyana`. */
  query: URLSearchParams;
  req: IncomingMessage;
  baseUrl: string;
  rateLimitRemaining: () => number;
}

export type Result =
  | { status?: number; body: unknown }
  /** A list: the server sorts it by `sortKey` (default `id`) and paginates it. */
  | { status?: number; list: Record<string, unknown>[]; sortKey?: string }
  /** Raw answer outside the Platform API (logplex). */
  | { raw: (res: ServerResponse) => void };

export type Handler = (ctx: Ctx) => Result | Promise<Result>;

/** Handlers keyed by `METHOD template`, e.g. `PATCH /apps/{app}/config-vars`. */
export type Routes = Record<string, Handler>;

export function statusErrorId(status: number): string {
  const ids: Record<number, string> = {
    400: "bad_request",
    401: "unauthorized",
    402: "delinquent",
    403: "forbidden",
    404: "not_found",
    406: "not_acceptable",
    409: "conflict",
    410: "gone",
    416: "requested_range_not_satisfiable",
    422: "invalid_params",
    429: "rate_limit",
    500: "internal_server_error",
    502: "bad_gateway",
    503: "unavailable",
    504: "gateway_timeout",
  };
  return ids[status] ?? "error";
}
