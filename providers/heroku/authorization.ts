// OAuth authorization whose token the app uses as its own HEROKU_API_KEY (what
// `heroku authorizations:create` makes). The token is a secret output. Every change replaces it
// (a new token, created before the old one is revoked, so the app's config var moves over first):
// Heroku can only PATCH the description of authorizations that belong to an OAuth client.
//
// Adoption: `adopt: <authorization id>` takes over an existing authorization (the one made by hand
// with `heroku authorizations:create`) instead of creating one: create reads it with
// `GET /oauth/authorizations/{id}`, whose `access_token.token` is the token (the schema's Info
// link; `heroku authorizations:info` shows it the same way), and writes nothing. An adopted
// authorization is kept as it is: its live description and scope are recorded, and a declared
// description/scope that differs never replaces it (that would rotate the token). Replace it
// deliberately with `pulumi up --replace <urn>`.
//
// Scope: Heroku scopes are account-wide (none limits a token to one app). The app needs to add,
// read and remove custom domains of itself, which `read` + `write` allow. `write-protected` and
// `read-protected` would add every app's config vars (database URLs, secrets) and `global` the
// whole account, so the default is ["read", "write"]. For a tighter blast radius, create the
// authorization as a dedicated Heroku user that is only a collaborator on this app.
import * as pulumi from "@pulumi/pulumi";
import type { OAuthAuthorization } from "@heroku-cli/schema";
import { herokuClientFromEnv } from "./client";
import {
  newFailures,
  isUnknown,
  deleteIgnoringNotFound,
  diffDeclared,
  found,
  gone,
  seg,
  unlessNotFound,
} from "./providerKit";

export const DEFAULT_AUTHORIZATION_SCOPE = ["read", "write"];
const SCOPES = ["global", "identity", "read", "write", "read-protected", "write-protected"];

export interface AuthorizationInputs {
  /** Shown in the Heroku dashboard's list of authorizations. Any change replaces the token. */
  description: string;
  /** OAuth scopes. Default ["read", "write"]. */
  scope?: string[];
  /** Lifetime in seconds. Default: no expiry. Change = replace. */
  expiresIn?: number;
  /** Id of an existing authorization to take over (same token) instead of creating one. */
  adopt?: string;
}

export interface AuthorizationOutputs extends AuthorizationInputs {
  authorizationId: string;
  /** The access token (secret). */
  token: string;
  /** When the token expires (ISO 8601), or null. */
  expiresAt: string | null;
  /** True when the authorization was taken over (`adopt`) rather than created. */
  adopted?: boolean;
}

/**
 * When the access token expires. The schema's `access_token.expires_in` is "seconds until OAuth
 * token expires" (oauth-token definitions/expires_in), counted from the answer, so the instant is
 * now + expires_in, whatever `created_at` says. Whole seconds, like the value it comes from.
 */
function expiresAt(auth: OAuthAuthorization): string | null {
  const seconds = auth.access_token?.expires_in;
  if (seconds === null || seconds === undefined) return null;
  const now = Math.floor(Date.now() / 1000) * 1000;
  return new Date(now + seconds * 1000).toISOString();
}

/**
 * On refresh: the instant recomputed from a relative value moves by the second or so the answer
 * took; keep the recorded one unless it moved by more than a minute (a regenerated token), so a
 * refresh does not report drift that is not there.
 */
function refreshedExpiry(live: string | null, recorded: string | null | undefined): string | null {
  if (live === null || !recorded) return live;
  return Math.abs(Date.parse(live) - Date.parse(recorded)) <= 60_000 ? recorded : live;
}

export const authorizationProvider: pulumi.dynamic.ResourceProvider<
  AuthorizationInputs,
  AuthorizationOutputs
> = {
  async check(_olds, news) {
    const failures = newFailures();
    failures.string(news, "description");
    const scope = news.scope ?? DEFAULT_AUTHORIZATION_SCOPE;
    if (isUnknown(scope)) {
      // Checked again with its value before create.
    } else if (!Array.isArray(scope) || scope.length === 0) {
      failures.add("scope", "`scope` must be a non-empty list of OAuth scopes");
    } else {
      for (const s of scope) {
        if (!SCOPES.includes(s) && !isUnknown(s)) {
          failures.add(
            "scope",
            `\`scope\` ${JSON.stringify(s)} is not one of ${SCOPES.join(", ")}`,
          );
        }
      }
    }
    const expiresIn = news.expiresIn as unknown;
    if (
      expiresIn !== undefined &&
      !isUnknown(expiresIn) &&
      (!Number.isInteger(expiresIn) || (expiresIn as number) <= 0)
    ) {
      failures.add("expiresIn", "`expiresIn` must be a whole number of seconds > 0");
    }
    failures.optionalIdentity(news, "adopt", ["uuid"]);
    return failures.result({ ...news, scope: Array.isArray(scope) ? [...scope] : scope });
  },

  async diff(id, olds, news) {
    const outputs = olds as Partial<AuthorizationOutputs>;
    // Adopting another authorization than the recorded one is a different token: replace.
    if (news.adopt !== undefined && !isUnknown(news.adopt) && news.adopt !== id) {
      return { changes: true, replaces: ["adopt"], deleteBeforeReplace: false };
    }
    // An adopted token is kept as it is, also once `adopt` is removed from the program.
    if (outputs.adopted) return { changes: false };
    return diffDeclared<AuthorizationInputs>(olds, news, {
      fields: ["description", "scope", "expiresIn"],
      replaceKeys: ["description", "scope", "expiresIn"],
    });
  },

  async create(inputs) {
    const client = herokuClientFromEnv();
    if (inputs.adopt !== undefined) {
      const existing = await unlessNotFound(() =>
        client.get<OAuthAuthorization>(`/oauth/authorizations/${seg(inputs.adopt!)}`),
      );
      if (!existing) {
        throw new Error(
          `Authorization \`adopt\`: there is no OAuth authorization ${inputs.adopt} for this ` +
            "HEROKU_API_KEY's user (list them with `heroku authorizations`)",
        );
      }
      const token = existing.access_token?.token;
      if (!existing.id || !token) {
        throw new Error(
          `Authorization \`adopt\`: Heroku did not return the token of authorization ${inputs.adopt}, ` +
            "so it cannot be taken over; drop the adopt id to create a new authorization instead",
        );
      }
      return {
        id: existing.id,
        outs: {
          ...inputs,
          description: (existing["description"] as string | undefined) ?? "",
          scope: existing.scope ?? inputs.scope ?? DEFAULT_AUTHORIZATION_SCOPE,
          authorizationId: existing.id,
          token,
          expiresAt: expiresAt(existing),
          adopted: true,
        },
      };
    }
    const body: Record<string, unknown> = {
      description: inputs.description,
      scope: inputs.scope ?? DEFAULT_AUTHORIZATION_SCOPE,
    };
    if (inputs.expiresIn !== undefined) body["expires_in"] = inputs.expiresIn;
    const auth = await client.post<OAuthAuthorization>("/oauth/authorizations", body);
    const token = auth.access_token?.token;
    if (!auth.id || !token) throw new Error("Heroku returned an authorization without a token");
    return {
      id: auth.id,
      outs: { ...inputs, authorizationId: auth.id, token, expiresAt: expiresAt(auth) },
    };
  },

  async read(id, props) {
    const client = herokuClientFromEnv();
    const auth = await unlessNotFound(() =>
      client.get<OAuthAuthorization>(`/oauth/authorizations/${seg(id)}`),
    );
    if (!auth) return gone();
    const inputs: AuthorizationInputs = {
      description: (auth["description"] as string | undefined) ?? props?.description ?? "",
      scope: auth.scope ?? props?.scope ?? DEFAULT_AUTHORIZATION_SCOPE,
    };
    if (props?.expiresIn !== undefined) inputs.expiresIn = props.expiresIn;
    if (props?.adopt !== undefined) inputs.adopt = props.adopt;
    return found<AuthorizationInputs, AuthorizationOutputs>(
      id,
      {
        ...inputs,
        authorizationId: id,
        token: auth.access_token?.token ?? props?.token ?? "",
        expiresAt: refreshedExpiry(expiresAt(auth), props?.expiresAt),
        ...(props?.adopted ? { adopted: true } : {}),
      },
      inputs,
    );
  },

  async delete(id) {
    const client = herokuClientFromEnv();
    await deleteIgnoringNotFound(() => client.delete(`/oauth/authorizations/${seg(id)}`));
  },
};

export interface AuthorizationArgs {
  /** Shown in the Heroku dashboard. */
  readonly description: pulumi.Input<string>;
  /** OAuth scopes. Default ["read", "write"]: enough to manage the app's domains. */
  readonly scope?: pulumi.Input<pulumi.Input<string>[]>;
  /** Token lifetime in seconds. Default: no expiry. */
  readonly expiresIn?: pulumi.Input<number>;
  /**
   * Id of an existing authorization (`heroku authorizations`) to take over, token and all,
   * instead of creating one. Pulumi's `import` option cannot do this for a dynamic provider.
   */
  readonly adopt?: pulumi.Input<string>;
}

/** A Heroku OAuth authorization. Type `pulumi-nodejs:dynamic/heroku:Authorization`. */
export class Authorization extends pulumi.dynamic.Resource {
  declare readonly description: pulumi.Output<string>;
  declare readonly scope: pulumi.Output<string[]>;
  declare readonly authorizationId: pulumi.Output<string>;
  /** Secret. */
  declare readonly token: pulumi.Output<string>;
  declare readonly expiresAt: pulumi.Output<string | null>;

  constructor(name: string, args: AuthorizationArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      authorizationProvider,
      name,
      {
        ...args,
        authorizationId: undefined,
        token: undefined,
        expiresAt: undefined,
        adopted: undefined,
      },
      pulumi.mergeOptions(opts, { additionalSecretOutputs: ["token"] }),
      "heroku",
      "Authorization",
    );
  }
}
