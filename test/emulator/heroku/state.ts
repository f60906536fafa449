// In-memory Heroku: the records behind every route, plus helpers tests call directly to set up
// situations that only Heroku itself could cause (a deploy, a credential rotation, a dyno's exit).
import { addonName, appName, dnsTarget, hex, newId } from "./ids";
import { HttpError, invalid, notFound } from "./http";
import {
  DEFAULT_PLANS,
  DYNO_SIZES,
  isUuid,
  PLAN_PRICES,
  POSTGRES_COLORS,
  postgresUrl,
  redisUrl,
  REGIONS,
  stableId,
  STACKS,
} from "./catalog";
import type {
  AddonRecord,
  AppRecord,
  AttachmentRecord,
  CouplingRecord,
  DomainRecord,
  DynoOutcome,
  DynoRecord,
  LogSessionRecord,
  Named,
  OAuthRecord,
  PipelineRecord,
  PromotionRecord,
  ReleaseRecord,
  SlugRecord,
  SniEndpointRecord,
  StateOptions,
} from "./records";

export * from "./records";
export { ACCOUNT, DYNO_SIZES, REGIONS, STACKS } from "./catalog";

export class EmulatorState {
  readonly apps = new Map<string, AppRecord>();
  readonly addons = new Map<string, AddonRecord>();
  readonly authorizations = new Map<string, OAuthRecord>();
  readonly pipelines = new Map<string, PipelineRecord>();
  readonly couplings = new Map<string, CouplingRecord>();
  readonly promotions = new Map<string, PromotionRecord>();
  readonly logSessions = new Map<string, LogSessionRecord>();
  /** Apps with an add-on create request being answered (see `POST /apps/{app}/addons`). */
  readonly addonCreatesInFlight = new Set<string>();

  /**
   * When set, `POST /pipeline-promotions` needs a second factor: one of these codes in the
   * `Heroku-Two-Factor-Code` header, each accepted once (routes/pipelines.ts).
   */
  promotionTwoFactorCodes: Set<string> | undefined = undefined;

  /** Scripts one-off dynos: called with the dyno's command when it is created. */
  onDyno: (command: string) => DynoOutcome = () => ({ exitCode: 0, output: [] });

  private clock: Date | undefined;
  private clockStepMs = 0;

  constructor(readonly options: StateOptions) {}

  // ---- clock -------------------------------------------------------------------------------

  /** Fixes the clock; with `stepMs`, each reading advances it (so timestamps differ). */
  setClock(date: Date, stepMs = 0): void {
    this.clock = new Date(date.getTime());
    this.clockStepMs = stepMs;
  }

  advanceClock(ms: number): void {
    this.clock = new Date((this.clock?.getTime() ?? Date.now()) + ms);
  }

  now(): Date {
    if (!this.clock) return new Date();
    const current = new Date(this.clock.getTime());
    this.clock = new Date(this.clock.getTime() + this.clockStepMs);
    return current;
  }

  // ---- apps --------------------------------------------------------------------------------

  /** Finds an app by id or name, or throws Heroku's 404. */
  app(identity: string): AppRecord {
    const found =
      this.apps.get(identity) ?? [...this.apps.values()].find((a) => a.name === identity);
    if (!found) throw notFound("app");
    return found;
  }

  findApp(identity: string): AppRecord | undefined {
    try {
      return this.app(identity);
    } catch {
      return undefined;
    }
  }

  createApp(input: {
    name?: string;
    region?: string;
    stack?: string;
    team?: string;
    locked?: boolean;
  }): AppRecord {
    const name = input.name ?? appName();
    if ([...this.apps.values()].some((a) => a.name === name))
      throw invalid("Name is already taken");
    const region = this.region(input.region ?? "us");
    const stack = this.stack(input.stack ?? "heroku-24");
    const now = this.now();
    const app: AppRecord = {
      id: newId(),
      name,
      urlHex: hex(6),
      region,
      stack,
      buildStack: stack,
      team: input.team ? { id: stableId(`team:${input.team}`), name: input.team } : null,
      locked: input.locked ?? false,
      maintenance: false,
      acm: false,
      createdAt: now,
      updatedAt: now,
      releasedAt: null,
      configVars: {},
      buildpacks: [],
      formation: new Map(),
      releases: [],
      slugs: new Map(),
      domains: new Map(),
      sniEndpoints: new Map(),
      logDrains: new Map(),
      webhooks: new Map(),
      dynos: new Map(),
    };
    this.apps.set(app.id, app);
    const domain: DomainRecord = {
      id: newId(),
      hostname: `${name}.herokuapp.com`,
      kind: "heroku",
      cname: null,
      status: "none",
      sniEndpointId: null,
      createdAt: now,
      updatedAt: now,
    };
    app.domains.set(domain.id, domain);
    this.createRelease(app, { description: "Initial release" });
    return app;
  }

  renameApp(app: AppRecord, name: string): void {
    if ([...this.apps.values()].some((a) => a.name === name && a.id !== app.id)) {
      throw invalid("Name is already taken");
    }
    for (const d of app.domains.values()) {
      if (d.kind === "heroku") d.hostname = `${name}.herokuapp.com`;
    }
    app.name = name;
  }

  deleteApp(app: AppRecord): void {
    for (const addon of [...this.addons.values()]) {
      if (addon.appId === app.id) this.addons.delete(addon.id);
    }
    for (const c of [...this.couplings.values()]) {
      if (c.appId === app.id) this.couplings.delete(c.id);
    }
    for (const s of [...this.logSessions.values()]) {
      if (s.appId === app.id) this.logSessions.delete(s.id);
    }
    this.apps.delete(app.id);
  }

  region(identity: string): Named {
    const found = Object.values(REGIONS).find((r) => r.id === identity || r.name === identity);
    if (!found) throw notFound("region");
    return found;
  }

  stack(identity: string): Named {
    const found = Object.values(STACKS).find((s) => s.id === identity || s.name === identity);
    if (!found) throw notFound("stack");
    return found;
  }

  // ---- config vars and releases ------------------------------------------------------------

  /** Changes config vars (null deletes) and records a release, as a PATCH or the dashboard does. */
  setConfigVars(
    appOrName: AppRecord | string,
    vars: Record<string, string | null>,
    description?: string,
  ): Record<string, string> {
    const app = typeof appOrName === "string" ? this.app(appOrName) : appOrName;
    const set = Object.keys(vars).filter((k) => vars[k] !== null);
    const removed = Object.keys(vars).filter((k) => vars[k] === null && k in app.configVars);
    for (const [k, v] of Object.entries(vars)) {
      if (v === null) delete app.configVars[k];
      else app.configVars[k] = v;
    }
    const parts: string[] = [];
    if (set.length) parts.push(`Set ${set.join(", ")} config vars`);
    if (removed.length) parts.push(`Remove ${removed.join(", ")} config vars`);
    if (parts.length) this.createRelease(app, { description: description ?? parts.join(", ") });
    app.updatedAt = this.now();
    return { ...app.configVars };
  }

  createRelease(
    app: AppRecord,
    input: {
      description: string;
      slug?: SlugRecord | null;
      pendingPolls?: number;
      createdAt?: Date;
      onSucceeded?: () => void;
    },
  ): ReleaseRecord {
    const now = input.createdAt ?? this.now();
    const previous = app.releases[app.releases.length - 1];
    const release: ReleaseRecord = {
      id: newId(),
      version: (previous?.version ?? 0) + 1,
      description: input.description,
      slug: input.slug === undefined ? (this.currentRelease(app)?.slug ?? null) : input.slug,
      status: (input.pendingPolls ?? 0) > 0 ? "pending" : "succeeded",
      pendingPolls: input.pendingPolls ?? 0,
      configVars: { ...app.configVars },
      addonPlanNames: this.addonsOf(app).map((a) => `${a.service}:${a.plan}`),
      createdAt: now,
      updatedAt: now,
      onSucceeded: input.onSucceeded,
    };
    app.releases.push(release);
    if (release.status === "succeeded") this.releaseSucceeded(app, release);
    return release;
  }

  private releaseSucceeded(app: AppRecord, release: ReleaseRecord): void {
    app.releasedAt = release.updatedAt;
    if (release.slug) this.syncFormation(app, release.slug);
    const done = release.onSucceeded;
    release.onSucceeded = undefined;
    done?.();
  }

  /** A GET of a pending release counts down its polls. */
  pollRelease(app: AppRecord, release: ReleaseRecord): void {
    if (release.status !== "pending") return;
    if (release.pendingPolls > 0) {
      release.pendingPolls -= 1;
      return;
    }
    release.status = "succeeded";
    release.updatedAt = this.now();
    this.releaseSucceeded(app, release);
  }

  currentRelease(app: AppRecord): ReleaseRecord | undefined {
    return [...app.releases].reverse().find((r) => r.status === "succeeded");
  }

  release(app: AppRecord, identity: string): ReleaseRecord {
    const found = app.releases.find((r) => r.id === identity || String(r.version) === identity);
    if (!found) throw notFound("release");
    return found;
  }

  rollback(app: AppRecord, target: ReleaseRecord, pendingPolls = 1): ReleaseRecord {
    if (!target.slug) throw invalid(`Cannot rollback to v${target.version}: it has no slug.`);
    const config = { ...target.configVars };
    return this.createRelease(app, {
      description: `Rollback to v${target.version}`,
      slug: target.slug,
      pendingPolls,
      onSucceeded: () => {
        app.configVars = config;
      },
    });
  }

  /** Builds a slug with these process types and releases it, as a `git push heroku` would. */
  deploy(
    appOrName: AppRecord | string,
    input: { processTypes: Record<string, string>; description?: string; createdAt?: Date },
  ): ReleaseRecord {
    const app = typeof appOrName === "string" ? this.app(appOrName) : appOrName;
    const at = input.createdAt ?? this.now();
    const slug: SlugRecord = {
      id: newId(),
      processTypes: { ...input.processTypes },
      commit: hex(20),
      createdAt: at,
    };
    app.slugs.set(slug.id, slug);
    return this.createRelease(app, {
      description: input.description ?? `Deploy ${slug.commit.slice(0, 8)}`,
      slug,
      createdAt: at,
    });
  }

  /**
   * Process types follow the released slug: new ones appear (web at 1, others at 0), missing
   * ones go, and `release` never becomes a formation type.
   */
  private syncFormation(app: AppRecord, slug: SlugRecord): void {
    const now = this.now();
    for (const [type, command] of Object.entries(slug.processTypes)) {
      // The release phase runs once per release; it is not a scalable process type.
      if (type === "release") continue;
      const existing = app.formation.get(type);
      if (existing) {
        existing.command = command;
        continue;
      }
      app.formation.set(type, {
        id: newId(),
        type,
        quantity: type === "web" ? 1 : 0,
        size: this.dynoSize("basic"),
        command,
        createdAt: now,
        updatedAt: now,
      });
    }
    for (const type of [...app.formation.keys()]) {
      if (!(type in slug.processTypes) || type === "release") app.formation.delete(type);
    }
  }

  dynoSize(identity: string): Named {
    const found = DYNO_SIZES.find(
      (s) => s.id === identity || s.name.toLowerCase() === identity.toLowerCase(),
    );
    if (!found) throw invalid(`Couldn't find that dyno size (${identity}).`);
    return found;
  }

  // ---- add-ons -----------------------------------------------------------------------------

  addonsOf(app: AppRecord): AddonRecord[] {
    return [...this.addons.values()].filter((a) => a.appId === app.id);
  }

  addon(identity: string, app?: AppRecord): AddonRecord {
    const found = [...this.addons.values()].find(
      (a) =>
        (a.id === identity ||
          a.name === identity ||
          a.attachments.some((t) => app && a.appId === app.id && t.name === identity)) &&
        (!app || a.appId === app.id),
    );
    if (!found) throw notFound("add on");
    return found;
  }

  /** Creates an add-on; with `provisioned: true` it is ready at once (its vars are set). */
  createAddon(
    appOrName: AppRecord | string,
    input: { plan: string; name?: string; attachmentName?: string; provisioned?: boolean },
  ): AddonRecord {
    const app = typeof appOrName === "string" ? this.app(appOrName) : appOrName;
    const [service = "", planPart] = input.plan.split(":");
    if (!/^[a-z0-9][a-z0-9-]*$/.test(service) || isUuid(input.plan)) {
      throw notFound("add on plan");
    }
    const plan = planPart ?? DEFAULT_PLANS[service] ?? "default";
    const name = input.name ?? addonName(service);
    if ([...this.addons.values()].some((a) => a.name === name)) {
      throw invalid("Name is already taken");
    }
    const now = this.now();
    const attachmentName = this.attachmentNameFor(app, service, input.attachmentName);
    const attachments: AttachmentRecord[] = [{ id: newId(), name: attachmentName, createdAt: now }];
    if (service === "heroku-postgresql") {
      const used = new Set(this.addonsOf(app).flatMap((a) => a.attachments.map((t) => t.name)));
      const color = POSTGRES_COLORS.find((c) => !used.has(`HEROKU_POSTGRESQL_${c}`)) ?? "WHITE";
      attachments.push({ id: newId(), name: `HEROKU_POSTGRESQL_${color}`, createdAt: now });
    }
    const addon: AddonRecord = {
      id: newId(),
      name,
      appId: app.id,
      service,
      plan,
      state: "provisioning",
      pollsLeft: this.options.addonProvisioningPolls,
      provisionAt:
        this.options.addonProvisioningDelayMs !== undefined
          ? Date.now() + this.options.addonProvisioningDelayMs
          : undefined,
      attachments,
      configVarNames: [],
      providerId: hex(8),
      createdAt: now,
      updatedAt: now,
    };
    this.addons.set(addon.id, addon);
    this.createRelease(app, { description: `Attach ${attachmentName} (@ref:${name})` });
    const immediate =
      input.provisioned ??
      (addon.provisionAt === undefined ? addon.pollsLeft <= 0 : addon.provisionAt <= Date.now());
    if (immediate) this.finishProvisioning(addon);
    return addon;
  }

  private attachmentNameFor(app: AppRecord, service: string, requested?: string): string {
    const used = new Set(this.addonsOf(app).flatMap((a) => a.attachments.map((t) => t.name)));
    if (requested) {
      if (used.has(requested)) throw invalid(`Attachment name ${requested} is already in use`);
      return requested;
    }
    const base =
      service === "heroku-postgresql"
        ? "DATABASE"
        : service === "heroku-redis"
          ? "REDIS"
          : service
              .replace(/^heroku-/, "")
              .replace(/-/g, "_")
              .toUpperCase();
    if (!used.has(base)) return base;
    return `${base}_${hex(2).toUpperCase()}`;
  }

  /** The provider has finished: the add-on's config vars appear on the app. */
  finishProvisioning(addon: AddonRecord): void {
    if (addon.state !== "provisioning") return;
    const app = this.apps.get(addon.appId);
    addon.state = "provisioned";
    addon.updatedAt = this.now();
    if (!app) return;
    const url =
      addon.service === "heroku-postgresql"
        ? postgresUrl()
        : addon.service === "heroku-redis"
          ? redisUrl()
          : `https://${addon.service}.example.com/${hex(8)}`;
    const vars: Record<string, string> = {};
    for (const t of addon.attachments) vars[`${t.name}_URL`] = url;
    addon.configVarNames = Object.keys(vars);
    this.setConfigVars(app, vars, `Update ${addon.attachments[0]?.name ?? ""} by ${addon.service}`);
  }

  /** An info GET of a provisioning add-on counts down its polls. */
  pollAddon(addon: AddonRecord): void {
    if (addon.state !== "provisioning") return;
    if (addon.provisionAt !== undefined) {
      if (Date.now() >= addon.provisionAt) this.finishProvisioning(addon);
      return;
    }
    if (addon.pollsLeft > 0) {
      addon.pollsLeft -= 1;
      return;
    }
    this.finishProvisioning(addon);
  }

  /** Completes time-based transitions; the server calls this before every request. */
  tick(): void {
    for (const addon of this.addons.values()) {
      if (addon.state === "provisioning" && addon.provisionAt !== undefined) this.pollAddon(addon);
    }
  }

  deleteAddon(addon: AddonRecord): AddonRecord {
    const app = this.apps.get(addon.appId);
    this.addons.delete(addon.id);
    addon.state = "deprovisioned";
    if (app) {
      const vars: Record<string, null> = {};
      for (const name of addon.configVarNames) vars[name] = null;
      for (const name of Object.keys(vars)) delete app.configVars[name];
      this.createRelease(app, {
        description: `Detach ${addon.attachments[0]?.name ?? addon.name} (@ref:${addon.name})`,
      });
    }
    return addon;
  }

  /**
   * The prepared replacement of a Postgres plan change takes over (Heroku does it hours after the
   * change, in a maintenance): the add-on's URL vars point at the new database.
   */
  changeOver(addon: AddonRecord): void {
    if (!addon.pendingChangeover) return;
    addon.pendingChangeover = undefined;
    const [first] = addon.configVarNames;
    if (first !== undefined) this.rotateAddonUrl(addon.appId, first);
  }

  /** Heroku rewrites an add-on URL (credential rotation, maintenance): no suffix of ours survives. */
  rotateAddonUrl(appOrName: AppRecord | string, varName: string): string {
    const app = typeof appOrName === "string" ? this.app(appOrName) : appOrName;
    const addon = this.addonsOf(app).find((a) => a.configVarNames.includes(varName));
    const url =
      addon?.service === "heroku-postgresql" || varName.includes("DATABASE")
        ? postgresUrl()
        : redisUrl();
    const vars: Record<string, string> = {};
    for (const name of addon?.configVarNames ?? [varName]) vars[name] = url;
    this.setConfigVars(app, vars, `Update ${varName} by ${addon?.service ?? "heroku"}`);
    return url;
  }

  planPrice(service: string, plan: string): number {
    return PLAN_PRICES[`${service}:${plan}`] ?? 0;
  }

  serviceId(service: string): string {
    return stableId(`service:${service}`);
  }

  planId(service: string, plan: string): string {
    return stableId(`plan:${service}:${plan}`);
  }

  // ---- domains and certificates ------------------------------------------------------------

  domain(app: AppRecord, identity: string): DomainRecord {
    const found = [...app.domains.values()].find(
      (d) => d.id === identity || d.hostname === identity,
    );
    if (!found) throw notFound("domain");
    return found;
  }

  /**
   * Adds a custom domain. Through the API (`viaApi`) its DNS target is not known at first: the
   * schema types `cname` as null-or-string and the heroku CLI waits for it, polling
   * `/apps/{app}/domains` until no custom domain has a null `cname` (heroku/cli
   * src/lib/certs/domains.ts, `waitForDomains`). So the create answers null, and so do the next
   * `domainCnamePolls` GETs. Called directly (a domain added by hand long ago) it has its target.
   */
  createDomain(
    app: AppRecord,
    hostname: string,
    sniEndpoint: string | null,
    viaApi = false,
  ): DomainRecord {
    for (const other of this.apps.values()) {
      for (const d of other.domains.values()) {
        if (d.hostname === hostname) {
          throw invalid(
            other.id === app.id
              ? "Domain already added to this app."
              : `${hostname} is currently in use by another app.`,
          );
        }
      }
    }
    const now = this.now();
    const domain: DomainRecord = {
      id: newId(),
      hostname,
      kind: "custom",
      cname: viaApi ? null : dnsTarget(),
      ...(viaApi
        ? { assignedCname: dnsTarget(), cnamePollsLeft: this.options.domainCnamePolls }
        : {}),
      status: "pending",
      sniEndpointId: sniEndpoint === null ? null : this.sniEndpoint(app, sniEndpoint, 422).id,
      createdAt: now,
      updatedAt: now,
    };
    app.domains.set(domain.id, domain);
    return domain;
  }

  /** A GET of a domain whose DNS target is not assigned yet counts down, then assigns it. */
  pollDomain(domain: DomainRecord): void {
    if (domain.cname !== null || domain.assignedCname === undefined) return;
    if ((domain.cnamePollsLeft ?? 0) > 0) {
      domain.cnamePollsLeft = (domain.cnamePollsLeft ?? 0) - 1;
      return;
    }
    domain.cname = domain.assignedCname;
    domain.updatedAt = this.now();
  }

  sniEndpoint(app: AppRecord, identity: string, status = 404): SniEndpointRecord {
    const found = [...app.sniEndpoints.values()].find(
      (s) => s.id === identity || s.name === identity,
    );
    if (!found) {
      throw status === 404
        ? notFound("SNI endpoint")
        : new HttpError(status, "invalid_params", `Couldn't find that SNI endpoint (${identity}).`);
    }
    return found;
  }

  // ---- dynos -------------------------------------------------------------------------------

  dyno(app: AppRecord, identity: string): DynoRecord {
    const found = [...app.dynos.values()].find((d) => d.id === identity || d.name === identity);
    if (!found || found.state === "complete") throw notFound("process");
    return found;
  }

  finishDyno(app: AppRecord, dyno: DynoRecord): void {
    if (dyno.state === "complete") return;
    dyno.state = "complete";
    dyno.finishedAt = this.now();
    dyno.updatedAt = dyno.finishedAt;
    void app;
  }

  // ---- pipelines ---------------------------------------------------------------------------

  /**
   * A pipeline by id, or by name when unambiguous. Names are not unique on Heroku; what it
   * answers to a name several pipelines share is NOT documented (the heroku CLI never asks: it
   * filters with `eq[name]` and makes the user pick). The emulator refuses with 422
   * `multiple_matches` (the id Heroku uses for ambiguous add-on names, heroku/cli
   * src/commands/addons/upgrade.ts), so a client that resolves names this way fails loudly.
   */
  pipeline(identity: string, idOnly = false): PipelineRecord {
    const byId = this.pipelines.get(identity);
    if (byId) return byId;
    const named = idOnly ? [] : [...this.pipelines.values()].filter((p) => p.name === identity);
    if (named.length > 1) {
      throw new HttpError(
        422,
        "multiple_matches",
        `Ambiguous identifier; multiple matching pipelines found: ${named.map((p) => p.id).join(", ")}.`,
      );
    }
    if (!named[0]) throw notFound("pipeline");
    return named[0];
  }

  coupling(id: string): CouplingRecord {
    const found = this.couplings.get(id);
    if (!found) throw notFound("pipeline coupling");
    return found;
  }
}
