// Pipelines, couplings and promotions (a promotion copies the source's current slug).
import { couplingShape, pipelineShape, promotionShape, promotionTargetShape } from "../shapes";
import { HttpError, invalid, notFound, type Routes } from "../http";
import { newId } from "../ids";
import type { EmulatorState, PipelineRecord, PromotionRecord } from "../state";

function promotion(state: EmulatorState, id: string): PromotionRecord {
  const found = state.promotions.get(id);
  if (!found) throw notFound("pipeline promotion");
  return found;
}

/** A GET of a pending promotion is a poll; when it completes, each target gets a release. */
function pollPromotion(state: EmulatorState, p: PromotionRecord): void {
  if (p.status !== "pending") return;
  if (p.pendingPolls > 0) {
    p.pendingPolls -= 1;
    return;
  }
  const source = state.apps.get(p.sourceAppId);
  const sourceRelease = source?.releases.find((r) => r.id === p.sourceReleaseId);
  for (const t of p.targets) {
    const target = state.apps.get(t.appId);
    if (!target || !source || !sourceRelease) {
      t.status = "failed";
      t.errorMessage = "App not found";
      continue;
    }
    const release = state.createRelease(target, {
      description: `Promote ${source.name} v${sourceRelease.version}`,
      slug: sourceRelease.slug,
    });
    t.status = "succeeded";
    t.releaseId = release.id;
  }
  p.status = "completed";
  p.updatedAt = state.now();
}

/**
 * A promotion can need a second factor (an account with two-factor, or a "paranoid" target app).
 * Heroku answers 403 with id `two_factor`, and the heroku CLI retries the same POST with a
 * `Heroku-Two-Factor-Code` header (heroku/cli src/commands/pipelines/promote.ts; the 403 +
 * `two_factor` test is heroku/heroku-cli-command src/api-client.ts). A counter-based code works
 * for one request only (heroku/heroku-pipelines#38), so each code here is accepted once. The
 * message is Heroku's as quoted in heroku/hk#172 and heroku/heroku-repo#24.
 */
function requireSecondFactor(state: EmulatorState, header: string | string[] | undefined): void {
  const codes = state.promotionTwoFactorCodes;
  if (!codes) return;
  const code = Array.isArray(header) ? header[0] : header;
  if (code !== undefined && codes.delete(code)) return;
  throw new HttpError(
    403,
    "two_factor",
    "A second authentication factor or pre-authorization is required for this request. Your " +
      "account has either two-factor or a Yubikey registered.",
  );
}

export const pipelineRoutes: Routes = {
  // Pipeline names are not unique: Heroku creates a second pipeline of the same name
  // (thoughtbot/suspenders#690, heroku/heroku-pipelines#2), and the heroku CLI resolves a name
  // with `GET /pipelines?eq[name]=` and asks which one when several match (heroku/cli
  // src/lib/pipelines/disambiguate.ts).
  "POST /pipelines": ({ state, body }) => {
    const b = body as { name: string; owner?: PipelineRecord["owner"] };
    const now = state.now();
    const p: PipelineRecord = {
      id: newId(),
      name: b.name,
      owner: b.owner ?? null,
      createdAt: now,
      updatedAt: now,
    };
    state.pipelines.set(p.id, p);
    return { body: pipelineShape(p) };
  },
  // `eq[name]=` keeps the pipelines of exactly that name (heroku/cli src/lib/api.ts,
  // findPipelineByName). The schema documents no filter; the CLI sends it with the
  // `version=3.pipelines` Accept variant, and a client that gets every pipeline back must filter
  // the answer itself.
  "GET /pipelines": ({ state, query }) => {
    const name = query.get("eq[name]");
    const all = [...state.pipelines.values()];
    return { list: (name === null ? all : all.filter((p) => p.name === name)).map(pipelineShape) };
  },
  "GET /pipelines/{pipeline}": ({ state, params }) => ({
    body: pipelineShape(state.pipeline(params.pipeline!)),
  }),
  "PATCH /pipelines/{pipeline}": ({ state, params, body }) => {
    const p = state.pipeline(params.pipeline!, true);
    const b = body as { name?: string };
    // Renaming onto another pipeline's name is not refused either (names are not unique).
    if (b.name !== undefined) p.name = b.name;
    p.updatedAt = state.now();
    return { body: pipelineShape(p) };
  },
  "DELETE /pipelines/{pipeline}": ({ state, params }) => {
    const p = state.pipeline(params.pipeline!, true);
    for (const c of [...state.couplings.values()]) {
      if (c.pipelineId === p.id) state.couplings.delete(c.id);
    }
    state.pipelines.delete(p.id);
    return { body: pipelineShape(p) };
  },
  "POST /pipeline-couplings": ({ state, body }) => {
    const b = body as { app: string; pipeline: string; stage: string };
    const app = state.app(b.app);
    const p = state.pipeline(b.pipeline, true);
    if ([...state.couplings.values()].some((c) => c.appId === app.id)) {
      throw invalid(`${app.name} is already a member of a pipeline.`);
    }
    const now = state.now();
    const c = {
      id: newId(),
      appId: app.id,
      pipelineId: p.id,
      stage: b.stage,
      createdAt: now,
      updatedAt: now,
    };
    state.couplings.set(c.id, c);
    return { body: couplingShape(c) };
  },
  "GET /pipeline-couplings": ({ state }) => ({
    list: [...state.couplings.values()].map(couplingShape),
  }),
  "GET /pipeline-couplings/{pipeline_coupling}": ({ state, params }) => ({
    body: couplingShape(state.coupling(params.pipeline_coupling!)),
  }),
  "PATCH /pipeline-couplings/{pipeline_coupling}": ({ state, params, body }) => {
    const c = state.coupling(params.pipeline_coupling!);
    const b = body as { stage?: string };
    if (b.stage !== undefined) c.stage = b.stage;
    c.updatedAt = state.now();
    return { body: couplingShape(c) };
  },
  "DELETE /pipeline-couplings/{pipeline_coupling}": ({ state, params }) => {
    const c = state.coupling(params.pipeline_coupling!);
    state.couplings.delete(c.id);
    return { body: couplingShape(c) };
  },
  "GET /apps/{app}/pipeline-couplings": ({ state, params }) => {
    const app = state.app(params.app!);
    const c = [...state.couplings.values()].find((x) => x.appId === app.id);
    if (!c) throw notFound("pipeline coupling");
    return { body: couplingShape(c) };
  },
  "GET /pipelines/{pipeline}/pipeline-couplings": ({ state, params }) => {
    const p = state.pipeline(params.pipeline!, true);
    return {
      list: [...state.couplings.values()].filter((c) => c.pipelineId === p.id).map(couplingShape),
    };
  },
  "POST /pipeline-promotions": ({ state, body, req }) => {
    requireSecondFactor(state, req.headers["heroku-two-factor-code"]);
    const b = body as {
      pipeline: { id: string };
      source: { app?: { id: string }; release?: { id: string } };
      targets: { app?: { id: string } }[];
    };
    const p = state.pipeline(b.pipeline.id, true);
    const coupled = (appId: string) =>
      [...state.couplings.values()].some((c) => c.appId === appId && c.pipelineId === p.id);
    const source = state.app(b.source.app?.id ?? "");
    if (!coupled(source.id)) throw invalid(`${source.name} is not part of pipeline ${p.name}.`);
    const release = b.source.release
      ? state.release(source, b.source.release.id)
      : state.currentRelease(source);
    if (!release?.slug) {
      throw new HttpError(422, "invalid_params", `${source.name} has no release to promote.`);
    }
    const targets = b.targets.map((t) => {
      const app = state.app(t.app?.id ?? "");
      if (!coupled(app.id)) throw invalid(`${app.name} is not part of pipeline ${p.name}.`);
      return {
        id: newId(),
        appId: app.id,
        status: "pending" as const,
        releaseId: null,
        errorMessage: null,
      };
    });
    const now = state.now();
    const promo: PromotionRecord = {
      id: newId(),
      pipelineId: p.id,
      sourceAppId: source.id,
      sourceReleaseId: release.id,
      status: "pending",
      pendingPolls: 1,
      targets,
      createdAt: now,
      updatedAt: now,
    };
    state.promotions.set(promo.id, promo);
    return { body: promotionShape(promo) };
  },
  "GET /pipeline-promotions/{pipeline_promotion}": ({ state, params }) => {
    const p = promotion(state, params.pipeline_promotion!);
    pollPromotion(state, p);
    return { body: promotionShape(p) };
  },
  "GET /pipeline-promotions/{pipeline_promotion}/promotion-targets": ({ state, params }) => {
    const p = promotion(state, params.pipeline_promotion!);
    pollPromotion(state, p);
    return { list: p.targets.map((t) => promotionTargetShape(p, t)) };
  },
};
