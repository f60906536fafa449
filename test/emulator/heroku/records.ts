// The records behind every route. Tests read them through `state` for assertions.

export interface Named {
  id: string;
  name: string;
}

export interface FormationRecord {
  id: string;
  type: string;
  quantity: number;
  size: Named;
  command: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface SlugRecord {
  id: string;
  processTypes: Record<string, string>;
  commit: string;
  createdAt: Date;
}

export interface ReleaseRecord {
  id: string;
  version: number;
  description: string;
  slug: SlugRecord | null;
  status: "pending" | "succeeded" | "failed" | "expired";
  /** GETs still answering `pending`. */
  pendingPolls: number;
  configVars: Record<string, string>;
  addonPlanNames: string[];
  createdAt: Date;
  updatedAt: Date;
  /** Runs once the release succeeds (rollbacks restore config, promotions finish). */
  onSucceeded?: () => void;
}

export interface AttachmentRecord {
  id: string;
  name: string;
  createdAt: Date;
}

export interface AddonRecord {
  id: string;
  name: string;
  appId: string;
  service: string;
  plan: string;
  state: "provisioning" | "provisioned" | "deprovisioned";
  /** Info GETs that still answer `provisioning`. */
  pollsLeft: number;
  /** Wall-clock time at which provisioning completes (delay mode). */
  provisionAt?: number;
  attachments: AttachmentRecord[];
  configVarNames: string[];
  providerId: string;
  /**
   * A Heroku Postgres plan change of the Standard tier or above that Heroku is still preparing:
   * the replacement takes over (and DATABASE_URL changes) only at `changeOver(addon)`.
   */
  pendingChangeover?: { from: string; to: string };
  createdAt: Date;
  updatedAt: Date;
}

export interface DomainRecord {
  id: string;
  hostname: string;
  kind: "heroku" | "custom";
  cname: string | null;
  /** The DNS target Heroku will assign; `cname` stays null until then. */
  assignedCname?: string;
  /** GETs of the domain (info or list) that still answer `cname: null`. */
  cnamePollsLeft?: number;
  status: string;
  sniEndpointId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface SniEndpointRecord {
  id: string;
  name: string;
  certificateChain: string;
  privateKey: string;
  sslCert: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
}

export interface LogDrainRecord {
  id: string;
  url: string;
  token: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface WebhookRecord {
  id: string;
  include: string[];
  level: "notify" | "sync";
  url: string;
  secret: string | null;
  authorization: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface DynoOutcome {
  exitCode: number;
  output: string[];
  /** GETs of the dyno that answer before it is gone (default 1). */
  polls?: number;
}

export interface DynoRecord {
  id: string;
  name: string;
  command: string;
  type: string;
  size: string;
  state: "starting" | "up" | "complete";
  attach: boolean;
  env: Record<string, string>;
  releaseId: string;
  releaseVersion: number;
  outcome: Required<DynoOutcome>;
  gets: number;
  createdAt: Date;
  updatedAt: Date;
  finishedAt?: Date;
}

export interface LogSessionRecord {
  id: string;
  appId: string;
  dynoName?: string;
  source?: string;
  tail: boolean;
  lines?: number;
  createdAt: Date;
}

export interface AppRecord {
  id: string;
  name: string;
  urlHex: string;
  region: Named;
  stack: Named;
  buildStack: Named;
  team: Named | null;
  locked: boolean;
  maintenance: boolean;
  acm: boolean;
  createdAt: Date;
  updatedAt: Date;
  releasedAt: Date | null;
  configVars: Record<string, string>;
  buildpacks: { url: string; name: string }[];
  formation: Map<string, FormationRecord>;
  releases: ReleaseRecord[];
  slugs: Map<string, SlugRecord>;
  domains: Map<string, DomainRecord>;
  sniEndpoints: Map<string, SniEndpointRecord>;
  logDrains: Map<string, LogDrainRecord>;
  webhooks: Map<string, WebhookRecord>;
  dynos: Map<string, DynoRecord>;
}

export interface OAuthRecord {
  id: string;
  description: string;
  scope: string[];
  /** Lifetime asked for at creation, in seconds (null: never expires). */
  lifetimeSeconds: number | null;
  /** When the current access token expires (null: never). `expires_in` counts down to it. */
  expiresAt: Date | null;
  tokenId: string;
  token: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface PipelineRecord {
  id: string;
  name: string;
  owner: { id: string; type: "team" | "user" } | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface CouplingRecord {
  id: string;
  appId: string;
  pipelineId: string;
  stage: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface PromotionTargetRecord {
  id: string;
  appId: string;
  status: "pending" | "succeeded" | "failed";
  releaseId: string | null;
  errorMessage: string | null;
}

export interface PromotionRecord {
  id: string;
  pipelineId: string;
  sourceAppId: string;
  sourceReleaseId: string;
  status: "pending" | "completed";
  pendingPolls: number;
  targets: PromotionTargetRecord[];
  createdAt: Date;
  updatedAt: Date;
}

export interface StateOptions {
  addonProvisioningPolls: number;
  /** GETs of a new custom domain that still answer `cname: null` after its create. */
  domainCnamePolls: number;
  /** How long an add-on create request takes to answer. */
  addonCreateLatencyMs: number;
  addonProvisioningDelayMs?: number;
}
