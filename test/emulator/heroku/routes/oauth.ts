// OAuth authorizations (the long-lived tokens CI uses). Their tokens are also accepted as
// bearer tokens by the emulator, as Heroku accepts them.
import { randomBytes } from "node:crypto";
import { oauthShape } from "../shapes";
import { notFound, type Routes } from "../http";
import { newId } from "../ids";
import type { EmulatorState, OAuthRecord } from "../state";

function newToken(): string {
  return `HRKU-${randomBytes(30).toString("base64url")}`;
}

function authorization(state: EmulatorState, id: string): OAuthRecord {
  const found = state.authorizations.get(id);
  if (!found) throw notFound("authorization");
  return found;
}

export const oauthRoutes: Routes = {
  "POST /oauth/authorizations": ({ state, body }) => {
    const b = body as { scope: string[]; description?: string; expires_in?: number | null };
    const now = state.now();
    const record: OAuthRecord = {
      id: newId(),
      description: b.description ?? "",
      scope: b.scope,
      lifetimeSeconds: b.expires_in ?? null,
      expiresAt:
        b.expires_in === undefined || b.expires_in === null
          ? null
          : new Date(now.getTime() + b.expires_in * 1000),
      tokenId: newId(),
      token: newToken(),
      createdAt: now,
      updatedAt: now,
    };
    state.authorizations.set(record.id, record);
    return { body: oauthShape(record, now) };
  },
  "GET /oauth/authorizations": ({ state }) => ({
    list: [...state.authorizations.values()].map((a) => oauthShape(a, state.now())),
  }),
  "GET /oauth/authorizations/{oauth_authorization}": ({ state, params }) => ({
    body: oauthShape(authorization(state, params.oauth_authorization!), state.now()),
  }),
  "PATCH /oauth/authorizations/{oauth_authorization}": ({ state, params, body }) => {
    const a = authorization(state, params.oauth_authorization!);
    const b = body as { description?: string };
    if (b.description !== undefined) a.description = b.description;
    a.updatedAt = state.now();
    return { body: oauthShape(a, state.now()) };
  },
  "DELETE /oauth/authorizations/{oauth_authorization}": ({ state, params }) => {
    const a = authorization(state, params.oauth_authorization!);
    state.authorizations.delete(a.id);
    return { body: oauthShape(a, state.now()) };
  },
  "POST /oauth/authorizations/{oauth_authorization}/actions/regenerate-tokens": ({
    state,
    params,
  }) => {
    const a = authorization(state, params.oauth_authorization!);
    const now = state.now();
    // A new access token gets the authorization's lifetime again, from now.
    if (a.lifetimeSeconds !== null) {
      a.expiresAt = new Date(now.getTime() + a.lifetimeSeconds * 1000);
    }
    a.tokenId = newId();
    a.token = newToken();
    a.updatedAt = now;
    return { status: 200, body: oauthShape(a, now) };
  },
  "GET /account/rate-limits": ({ rateLimitRemaining }) => ({
    body: { remaining: rateLimitRemaining() },
  }),
};
