// The pure core of a release: are the two apps in one pipeline, is the source's release fit to
// promote, which way it goes, what exactly will happen, and how to undo it.
import { freezeRule } from "./freeze";
import type { Release } from "./releases";
import { describeRelease } from "./releases";

export interface AppInfo {
  id: string;
  name: string;
  maintenance: boolean;
}

export interface Coupling {
  id: string;
  app: { id: string };
  pipeline: { id: string };
  stage: string;
}

/** A step in operator words, and the API call behind it (shown with --verbose). */
export interface ReleaseStep {
  description: string;
  detail?: string;
}

export interface ReleasePlan {
  source: { app: AppInfo; coupling: Coupling; release: Release };
  target: { app: AppInfo; coupling: Coupling; release: Release | undefined };
  pipeline: { id: string; name: string };
  maintenance: boolean;
  steps: ReleaseStep[];
  /** The command that returns the target to its current release, if it has one. */
  undo: string | undefined;
  warnings: string[];
}

export class ReleasePlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ReleasePlanError";
  }
}

export function checkPromotion(input: {
  source: AppInfo;
  target: AppInfo;
  sourceCoupling: Coupling | undefined;
  targetCoupling: Coupling | undefined;
  sourceRelease: Release | undefined;
}): void {
  const { source, target, sourceCoupling, targetCoupling, sourceRelease } = input;
  if (source.id === target.id) {
    throw new ReleasePlanError(`the source and target are the same app (${source.name})`);
  }
  if (!sourceCoupling) throw new ReleasePlanError(`${source.name} is not in a pipeline`);
  if (!targetCoupling) throw new ReleasePlanError(`${target.name} is not in a pipeline`);
  if (sourceCoupling.pipeline.id !== targetCoupling.pipeline.id) {
    throw new ReleasePlanError(
      `${source.name} (pipeline ${sourceCoupling.pipeline.id}) and ${target.name} (pipeline ` +
        `${targetCoupling.pipeline.id}) are not in the same pipeline, so a promotion cannot ` +
        `carry the slug between them`,
    );
  }
  if (!sourceRelease) throw new ReleasePlanError(`${source.name} has no release to promote`);
  if (sourceRelease.status !== "succeeded") {
    throw new ReleasePlanError(
      `${source.name}'s newest release v${sourceRelease.version} is ${sourceRelease.status}, ` +
        `not succeeded: a deploy there is still running or has failed, so it is not the build ` +
        `QA signed off. Promote once its newest release has succeeded.`,
    );
  }
  if (!sourceRelease.slug?.id) {
    throw new ReleasePlanError(`${source.name}'s release v${sourceRelease.version} has no slug`);
  }
}

// The order `heroku pipelines:promote` promotes in (heroku/cli src/commands/pipelines/promote.ts,
// PROMOTION_ORDER); `review` apps sit before development.
const STAGE_ORDER = ["review", "development", "staging", "production"];

/** A warning when the promotion goes down the pipeline (prod → staging). */
export function backwardsWarning(source: ReleasePlan["source"], target: ReleasePlan["target"]) {
  const from = STAGE_ORDER.indexOf(source.coupling.stage);
  const to = STAGE_ORDER.indexOf(target.coupling.stage);
  if (from < 0 || to < 0 || to >= from) return [];
  return [
    `this promotes BACKWARDS, from ${source.app.name} [${source.coupling.stage}] to ` +
      `${target.app.name} [${target.coupling.stage}]: ${target.app.name} would run ` +
      `${source.app.name}'s code. Promotions go ${STAGE_ORDER.slice(1).join(" → ")}; check ` +
      `--from and --to.`,
  ];
}

/** `npm run rollback -- --stack prod --to 41`: back to the target's current release. */
export function undoCommand(
  target: ReleasePlan["target"],
  named: { stack?: string; app?: string },
): string | undefined {
  if (!target.release) return undefined;
  const which = named.stack ? `--stack ${named.stack}` : `--app ${named.app ?? target.app.name}`;
  return `npm run rollback -- ${which} --to ${target.release.version}`;
}

export function releaseSteps(
  plan: Omit<ReleasePlan, "steps" | "undo" | "warnings">,
): ReleaseStep[] {
  const { source, target, pipeline } = plan;
  const app = target.app.name;
  const steps: ReleaseStep[] = [];
  if (plan.maintenance) {
    steps.push({
      description:
        `turn maintenance mode on for ${app} if it is off (turned off again after success; ` +
        `after a failed release phase it stays on)`,
      detail: `PATCH /apps/${app} {"maintenance": true}`,
    });
  }
  steps.push({
    description:
      `promote ${source.app.name} v${source.release.version} (slug ${source.release.slug?.id}) ` +
      `to ${app} through pipeline ${pipeline.name}: the same build, not rebuilt`,
    detail: "POST /pipeline-promotions",
  });
  steps.push({
    description: `wait for ${app}'s new release and its release phase (python manage.py migrate) to succeed`,
    detail:
      "GET /pipeline-promotions/{id}, …/promotion-targets, then GET /apps/" +
      `${app}/releases/{id} until it leaves pending`,
  });
  if (plan.maintenance) {
    steps.push({
      description: `turn maintenance mode off for ${app}`,
      detail: `PATCH /apps/${app} {"maintenance": false}`,
    });
  }
  return steps;
}

export function releasePlanText(plan: ReleasePlan, options: { verbose?: boolean } = {}): string[] {
  const { source, target, pipeline } = plan;
  return [
    `Release plan: ${source.app.name} → ${target.app.name} (pipeline ${pipeline.name}, ${pipeline.id})`,
    `  source: ${source.app.name} [${source.coupling.stage}] newest release ${describeRelease(source.release)}`,
    `  target: ${target.app.name} [${target.coupling.stage}] current release ` +
      (target.release ? describeRelease(target.release) : "(none)") +
      `; maintenance ${target.app.maintenance ? "on" : "off"}`,
    "",
    "Steps:",
    ...plan.steps.map((step, i) => {
      const detail = options.verbose && step.detail ? ` (${step.detail})` : "";
      return `  ${i + 1}. ${step.description}${detail}`;
    }),
    "",
    plan.undo
      ? `To undo it afterwards (reverses the migrations it applies, then the code): ${plan.undo}`
      : `${target.app.name} has no release yet, so there is nothing to roll back to.`,
    "",
    freezeRule("release"),
    ...plan.warnings.flatMap((warning) => ["", `WARNING: ${warning}`]),
  ];
}

/** The `--json` plan. */
export function releasePlanJson(plan: ReleasePlan) {
  const release = (r: Release | undefined) =>
    r
      ? {
          id: r.id,
          version: r.version,
          description: r.description,
          created_at: r.created_at,
          status: r.status,
          slug: r.slug?.id ?? null,
        }
      : null;
  return {
    source: {
      app: plan.source.app.name,
      stage: plan.source.coupling.stage,
      release: release(plan.source.release),
    },
    target: {
      app: plan.target.app.name,
      stage: plan.target.coupling.stage,
      release: release(plan.target.release),
      maintenance: plan.target.app.maintenance,
    },
    pipeline: plan.pipeline,
    steps: plan.steps,
    undo: plan.undo ?? null,
    warnings: plan.warnings,
  };
}
