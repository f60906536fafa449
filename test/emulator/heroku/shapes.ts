// Records → the JSON Heroku returns. Every shape here is checked against the link's
// targetSchema (with strictProperties honoured) on every response.
import { isoSeconds } from "./ids";
import { stableId } from "./catalog";
import {
  ACCOUNT,
  type AddonRecord,
  type AppRecord,
  type CouplingRecord,
  type DomainRecord,
  type DynoRecord,
  type EmulatorState,
  type FormationRecord,
  type LogDrainRecord,
  type OAuthRecord,
  type PipelineRecord,
  type PromotionRecord,
  type PromotionTargetRecord,
  type ReleaseRecord,
  type SlugRecord,
  type SniEndpointRecord,
  type WebhookRecord,
} from "./state";

type Json = Record<string, unknown>;

const GENERATION = { id: "3d4c7e4b-7b3a-4c1e-9c7d-2f5b8a1e6c90", name: "cedar" };

const ACCOUNT_CREATED = "2021-05-04T09:00:00Z";

export function accountShape(): Json {
  return {
    allow_tracking: false,
    beta: false,
    country_of_residence: null,
    created_at: ACCOUNT_CREATED,
    default_organization: null,
    default_team: null,
    delinquent_at: null,
    email: ACCOUNT.email,
    federated: false,
    id: ACCOUNT.id,
    identity_provider: null,
    last_login: ACCOUNT_CREATED,
    name: ACCOUNT.full_name,
    sms_number: null,
    suspended_at: null,
    two_factor_authentication: false,
    updated_at: ACCOUNT_CREATED,
    verified: true,
  };
}

/** A team by id or name; ids are stable per name (the same `team:<name>` id apps carry). */
export function teamShape(identity: string): Json {
  return {
    created_at: ACCOUNT_CREATED,
    credit_card_collections: false,
    default: false,
    enterprise_account: null,
    id: /^[0-9a-f-]{36}$/i.test(identity) ? identity : stableId(`team:${identity}`),
    identity_provider: null,
    membership_limit: null,
    name: identity,
    provisioned_licenses: false,
    role: "admin",
    type: "team",
    updated_at: ACCOUNT_CREATED,
  };
}

export function appShape(app: AppRecord): Json {
  return {
    acm: app.acm,
    archived_at: null,
    buildpack_provided_description: app.buildpacks[0]?.name ? "Python" : null,
    build_stack: { id: app.buildStack.id, name: app.buildStack.name },
    created_at: isoSeconds(app.createdAt),
    generation: GENERATION,
    git_url: `https://git.heroku.com/${app.name}.git`,
    id: app.id,
    internal_routing: null,
    maintenance: app.maintenance,
    name: app.name,
    owner: { id: ACCOUNT.id, email: ACCOUNT.email },
    organization: app.team,
    team: app.team,
    region: { id: app.region.id, name: app.region.name },
    released_at: app.releasedAt ? isoSeconds(app.releasedAt) : null,
    repo_size: null,
    slug_size: null,
    space: null,
    stack: { id: app.stack.id, name: app.stack.name },
    updated_at: isoSeconds(app.updatedAt),
    web_url: `https://${app.name}-${app.urlHex}.herokuapp.com/`,
  };
}

export function teamAppShape(app: AppRecord): Json {
  return {
    archived_at: null,
    buildpack_provided_description: null,
    build_stack: { id: app.buildStack.id, name: app.buildStack.name },
    created_at: isoSeconds(app.createdAt),
    git_url: `https://git.heroku.com/${app.name}.git`,
    id: app.id,
    internal_routing: false,
    joined: false,
    locked: app.locked,
    maintenance: app.maintenance,
    name: app.name,
    team: app.team ? { name: app.team.name } : null,
    owner: { id: ACCOUNT.id, email: ACCOUNT.email },
    region: { id: app.region.id, name: app.region.name },
    released_at: app.releasedAt ? isoSeconds(app.releasedAt) : null,
    repo_size: null,
    slug_size: null,
    space: null,
    stack: { id: app.stack.id, name: app.stack.name },
    updated_at: isoSeconds(app.updatedAt),
    web_url: `https://${app.name}-${app.urlHex}.herokuapp.com/`,
  };
}

const ref = (app: AppRecord): Json => ({ id: app.id, name: app.name });

export function addonShape(state: EmulatorState, addon: AddonRecord): Json {
  const app = state.apps.get(addon.appId);
  const appRef = app ? ref(app) : { id: addon.appId, name: "deleted-app" };
  return {
    actions: [],
    addon_service: { id: state.serviceId(addon.service), name: addon.service },
    billing_entity: { ...appRef, type: "app" },
    app: appRef,
    billed_price: {
      cents: state.planPrice(addon.service, addon.plan),
      contract: false,
      unit: "month",
    },
    config_vars: [...addon.configVarNames],
    created_at: isoSeconds(addon.createdAt),
    id: addon.id,
    name: addon.name,
    plan: { id: state.planId(addon.service, addon.plan), name: `${addon.service}:${addon.plan}` },
    provider_id: addon.providerId,
    state: addon.state,
    updated_at: isoSeconds(addon.updatedAt),
    web_url: `https://addons-sso.heroku.com/apps/${addon.appId}/addons/${addon.id}`,
  };
}

export function attachmentShapes(state: EmulatorState, addon: AddonRecord): Json[] {
  const app = state.apps.get(addon.appId);
  if (!app) return [];
  return addon.attachments.map((t) => ({
    addon: { id: addon.id, name: addon.name, app: ref(app) },
    app: ref(app),
    created_at: isoSeconds(t.createdAt),
    id: t.id,
    name: t.name,
    namespace: null,
    updated_at: isoSeconds(t.createdAt),
    web_url: `https://addons-sso.heroku.com/apps/${app.id}/addons/${addon.id}`,
    log_input_url: null,
  }));
}

export function buildpackShapes(app: AppRecord): Json[] {
  return app.buildpacks.map((b, ordinal) => ({ ordinal, buildpack: { url: b.url, name: b.name } }));
}

export function formationShape(app: AppRecord, f: FormationRecord): Json {
  return {
    app: ref(app),
    command: f.command,
    created_at: isoSeconds(f.createdAt),
    dyno_size: { id: f.size.id, name: f.size.name },
    id: f.id,
    quantity: f.quantity,
    size: f.size.name,
    type: f.type,
    updated_at: isoSeconds(f.updatedAt),
  };
}

export function releaseShape(state: EmulatorState, app: AppRecord, r: ReleaseRecord): Json {
  return {
    addon_plan_names: [...r.addonPlanNames],
    artifacts: r.slug ? [{ type: "slug", id: r.slug.id }] : [],
    app: ref(app),
    created_at: isoSeconds(r.createdAt),
    description: r.description,
    id: r.id,
    updated_at: isoSeconds(r.updatedAt),
    slug: r.slug ? { id: r.slug.id } : null,
    status: r.status,
    user: { id: ACCOUNT.id, email: ACCOUNT.email },
    version: r.version,
    current: state.currentRelease(app)?.id === r.id,
    output_stream_url: null,
    eligible_for_rollback: r.slug !== null && r.status === "succeeded",
  };
}

export function domainShape(app: AppRecord, d: DomainRecord): Json {
  const sni = d.sniEndpointId ? app.sniEndpoints.get(d.sniEndpointId) : undefined;
  return {
    acm_status: null,
    acm_status_reason: null,
    app: ref(app),
    cname: d.cname,
    created_at: isoSeconds(d.createdAt),
    hostname: d.hostname,
    id: d.id,
    kind: d.kind,
    updated_at: isoSeconds(d.updatedAt),
    status: d.status,
    sni_endpoint: sni ? { id: sni.id, name: sni.name } : null,
  };
}

export function sniShape(app: AppRecord, s: SniEndpointRecord): Json {
  return {
    certificate_chain: s.certificateChain,
    created_at: isoSeconds(s.createdAt),
    id: s.id,
    name: s.name,
    updated_at: isoSeconds(s.updatedAt),
    display_name: null,
    domains: [...app.domains.values()].filter((d) => d.sniEndpointId === s.id).map((d) => d.id),
    app: ref(app),
    ssl_cert: { ...s.sslCert },
  };
}

export function logDrainShape(app: AppRecord, d: LogDrainRecord): Json {
  return {
    addon: null,
    app: ref(app),
    created_at: isoSeconds(d.createdAt),
    id: d.id,
    token: d.token,
    updated_at: isoSeconds(d.updatedAt),
    url: d.url,
  };
}

export function webhookShape(app: AppRecord, w: WebhookRecord): Json {
  return {
    app: ref(app),
    created_at: isoSeconds(w.createdAt),
    id: w.id,
    include: [...w.include],
    level: w.level,
    updated_at: isoSeconds(w.updatedAt),
    url: w.url,
  };
}

/**
 * `access_token.expires_in` is "seconds until OAuth token expires" (schema, oauth-token
 * definitions/expires_in): counted from the moment of the answer, not from `created_at`.
 */
export function oauthShape(a: OAuthRecord, now: Date): Json {
  const expiresIn =
    a.expiresAt === null
      ? null
      : Math.max(0, Math.round((a.expiresAt.getTime() - now.getTime()) / 1000));
  return {
    access_token: { expires_in: expiresIn, id: a.tokenId, token: a.token },
    client: null,
    created_at: isoSeconds(a.createdAt),
    description: a.description,
    grant: null,
    id: a.id,
    refresh_token: null,
    scope: [...a.scope],
    session: null,
    updated_at: isoSeconds(a.updatedAt),
    user: { id: ACCOUNT.id, email: ACCOUNT.email, full_name: ACCOUNT.full_name },
  };
}

export function pipelineShape(p: PipelineRecord): Json {
  return {
    created_at: isoSeconds(p.createdAt),
    id: p.id,
    name: p.name,
    owner: p.owner,
    updated_at: isoSeconds(p.updatedAt),
    generation: GENERATION,
  };
}

export function couplingShape(c: CouplingRecord): Json {
  return {
    app: { id: c.appId },
    created_at: isoSeconds(c.createdAt),
    id: c.id,
    pipeline: { id: c.pipelineId },
    stage: c.stage,
    updated_at: isoSeconds(c.updatedAt),
  };
}

export function promotionShape(p: PromotionRecord): Json {
  return {
    created_at: isoSeconds(p.createdAt),
    id: p.id,
    pipeline: { id: p.pipelineId },
    source: { app: { id: p.sourceAppId }, release: { id: p.sourceReleaseId } },
    status: p.status,
    updated_at: isoSeconds(p.updatedAt),
  };
}

export function promotionTargetShape(p: PromotionRecord, t: PromotionTargetRecord): Json {
  return {
    app: { id: t.appId },
    error_message: t.errorMessage,
    id: t.id,
    pipeline_promotion: { id: p.id },
    release: t.releaseId ? { id: t.releaseId } : null,
    status: t.status,
  };
}

export function dynoShape(app: AppRecord, d: DynoRecord): Json {
  return {
    attach_url: d.attach ? `rendezvous://rendezvous.runtime.heroku.com:5000/${d.id}` : null,
    command: d.command,
    created_at: isoSeconds(d.createdAt),
    id: d.id,
    name: d.name,
    release: { id: d.releaseId, version: d.releaseVersion },
    app: ref(app),
    size: d.size,
    state: d.state === "complete" ? "down" : d.state,
    type: d.type,
    updated_at: isoSeconds(d.updatedAt),
  };
}

export function slugShape(app: AppRecord, s: SlugRecord): Json {
  return {
    blob: { method: "get", url: `https://s3.amazonaws.com/heroku-slugs/${s.id}.tar.gz` },
    buildpack_provided_description: app.buildpacks.length ? "Python" : null,
    checksum: `SHA256:${s.commit.padEnd(64, "0")}`,
    commit: s.commit,
    commit_description: null,
    created_at: isoSeconds(s.createdAt),
    id: s.id,
    process_types: { ...s.processTypes },
    size: 52_428_800,
    stack: { id: app.stack.id, name: app.stack.name },
    updated_at: isoSeconds(s.createdAt),
  };
}
