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
      expiresIn: b.expires_in ?? null,
      tokenId: newId(),
      token: newToken(),
      createdAt: now,
      updatedAt: now,
    };
    state.authorizations.set(record.id, record);
    return { body: oauthShape(record) };
  },
  "GET /oauth/authorizations": ({ state }) => ({
    list: [...state.authorizations.values()].map(oauthShape),
  }),
  "GET /oauth/authorizations/{oauth_authorization}": ({ state, params }) => ({
    body: oauthShape(authorization(state, params.oauth_authorization!)),
  }),
  "PATCH /oauth/authorizations/{oauth_authorization}": ({ state, params, body }) => {
    const a = authorization(state, params.oauth_authorization!);
    const b = body as { description?: string };
    if (b.description !== undefined) a.description = b.description;
    a.updatedAt = state.now();
    return { body: oauthShape(a) };
  },
  "DELETE /oauth/authorizations/{oauth_authorization}": ({ state, params }) => {
    const a = authorization(state, params.oauth_authorization!);
    state.authorizations.delete(a.id);
    return { body: oauthShape(a) };
  },
  "POST /oauth/authorizations/{oauth_authorization}/actions/regenerate-tokens": ({
    state,
    params,
  }) => {
    const a = authorization(state, params.oauth_authorization!);
    a.tokenId = newId();
    a.token = newToken();
    a.updatedAt = state.now();
    return { status: 200, body: oauthShape(a) };
  },
  "GET /account/rate-limits": ({ rateLimitRemaining }) => ({
    body: { remaining: rateLimitRemaining() },
  }),
};
