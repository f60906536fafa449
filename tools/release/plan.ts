// The pure core of a release: are the two apps in one pipeline, is the source's release fit to
// promote, and what exactly will happen.
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

export interface ReleasePlan {
  source: { app: AppInfo; coupling: Coupling; release: Release };
  target: { app: AppInfo; coupling: Coupling; release: Release | undefined };
  pipeline: { id: string; name: string };
  maintenance: boolean;
  steps: string[];
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

export function releaseSteps(plan: Omit<ReleasePlan, "steps">): string[] {
  const { source, target, pipeline } = plan;
  const steps: string[] = [];
  if (plan.maintenance) {
    steps.push(
      `turn maintenance mode on for ${target.app.name} if it is off (restored after, also on failure)`,
    );
  }
  steps.push(
    `promote ${source.app.name} v${source.release.version} (slug ${source.release.slug?.id}) to ` +
      `${target.app.name} through pipeline ${pipeline.name} (POST /pipeline-promotions; no rebuild)`,
  );
  steps.push(
    `wait for the promotion, then for ${target.app.name}'s new release and its release phase ` +
      `(python manage.py migrate) to succeed`,
  );
  if (plan.maintenance) steps.push(`put maintenance mode for ${target.app.name} back as it was`);
  return steps;
}

export function releasePlanText(plan: ReleasePlan): string[] {
  const { source, target, pipeline } = plan;
  return [
    `Release plan: ${source.app.name} → ${target.app.name} (pipeline ${pipeline.name}, ${pipeline.id})`,
    `  source: ${source.app.name} [${source.coupling.stage}] newest release ${describeRelease(source.release)}`,
    `  target: ${target.app.name} [${target.coupling.stage}] current release ` +
      (target.release ? describeRelease(target.release) : "(none)") +
      `; maintenance ${target.app.maintenance ? "on" : "off"}`,
    "",
    "Steps:",
    ...plan.steps.map((step, i) => `  ${i + 1}. ${step}`),
  ];
}
