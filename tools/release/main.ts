// `npm run release`: promotes the slug that passed QA on staging to prod through the pipeline,
// optionally under maintenance mode. Everything it touches is injected (see rollback/main.ts).
import type { HerokuClient } from "../../providers/heroku/client";
import { EXIT } from "../cli/exitCodes";
import { isNotFound } from "../../providers/heroku/client";
import { apiId, seg } from "../../providers/heroku/providerKit";
import { appPath, confirm, RefusedError, UsageError, type Io } from "./cli";
import { parseReleaseArgs, RELEASE_USAGE, type ReleaseArgs } from "./args";
import { withMaintenance } from "./maintenance";
import {
  backwardsWarning,
  checkPromotion,
  releasePlanJson,
  releasePlanText,
  releaseSteps,
  ReleasePlanError,
  undoCommand,
  type AppInfo,
  type Coupling,
  type ReleasePlan,
} from "./plan";
import type { Clock } from "./poll";
import { promote, PromotionNotStartedError } from "./promote";
import { currentRelease, describeRelease, listReleases } from "./releases";
import { herokuAppForStack } from "./stackApp";

export interface ReleaseDeps {
  io: Io;
  heroku: () => HerokuClient;
  clock: Clock;
  stackRoot?: string;
  /** For HEROKU_TWO_FACTOR_CODE. Default `process.env`. */
  env?: Record<string, string | undefined>;
}

export async function runRelease(argv: string[], deps: ReleaseDeps): Promise<number> {
  const { io } = deps;
  try {
    const args = parseReleaseArgs(argv);
    if (args.help) {
      io.out(RELEASE_USAGE);
      return EXIT.OK;
    }
    return await release(args, deps);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`error: ${error.message}\n\n${RELEASE_USAGE}`);
      return EXIT.USAGE;
    }
    const refused = error instanceof RefusedError || error instanceof ReleasePlanError;
    io.err(`${refused ? "refused" : "error"}: ${error instanceof Error ? error.message : error}`);
    return EXIT.FAILED;
  }
}

async function coupling(client: HerokuClient, app: string): Promise<Coupling | undefined> {
  try {
    return await client.get<Coupling>(`${appPath(app)}/pipeline-couplings`);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

async function release(args: ReleaseArgs, deps: ReleaseDeps): Promise<number> {
  const { io } = deps;
  const sourceName =
    args.fromApp ?? herokuAppForStack(args.from ?? "", deps.stackRoot, "--from-app");
  const targetName = args.toApp ?? herokuAppForStack(args.to ?? "", deps.stackRoot, "--to-app");
  if (sourceName === targetName) {
    throw new UsageError(`the source and target are the same app (${sourceName})`);
  }
  const client = deps.heroku();
  const [source, target] = await Promise.all([
    client.get<AppInfo>(appPath(sourceName)),
    client.get<AppInfo>(appPath(targetName)),
  ]);
  const [sourceCoupling, targetCoupling] = await Promise.all([
    coupling(client, sourceName),
    coupling(client, targetName),
  ]);
  const [sourceReleases, targetReleases] = await Promise.all([
    listReleases(client, sourceName),
    listReleases(client, targetName),
  ]);
  // The newest release, not merely the current one: a newer release still pending or failed
  // means staging is mid-deploy or broken, not in the state QA signed off.
  const sourceRelease = sourceReleases.at(-1);
  checkPromotion({ source, target, sourceCoupling, targetCoupling, sourceRelease });
  if (!sourceCoupling || !targetCoupling || !sourceRelease) throw new Error("unreachable");

  const pipeline = await client.get<{ id: string; name: string }>(
    `/pipelines/${seg(apiId(sourceCoupling.pipeline.id, "the pipeline"))}`,
  );
  const sides = {
    source: { app: source, coupling: sourceCoupling, release: sourceRelease },
    target: { app: target, coupling: targetCoupling, release: currentRelease(targetReleases) },
  };
  const partial = {
    ...sides,
    pipeline: { id: pipeline.id, name: pipeline.name },
    maintenance: args.maintenance,
  };
  const plan: ReleasePlan = {
    ...partial,
    steps: releaseSteps(partial),
    undo: undoCommand(sides.target, { stack: args.to, app: args.toApp }),
    warnings: backwardsWarning(sides.source, sides.target),
  };
  if (args.json) {
    io.out(JSON.stringify(releasePlanJson(plan), null, 2));
    for (const warning of plan.warnings) io.err(`WARNING: ${warning}`);
  } else {
    for (const line of releasePlanText(plan, { verbose: args.verbose })) io.out(line);
  }

  if (!args.execute) {
    io.err("Dry run: nothing was changed. Add --execute to carry out these steps.");
    return EXIT.OK;
  }
  const backwards = plan.warnings.length > 0 ? " BACKWARDS" : "";
  await confirm(io, {
    yes: args.yes,
    question: `Promote${backwards} ${source.name} v${sourceRelease.version} to ${target.name}?`,
    expected: target.name,
  });
  const env = deps.env ?? process.env;
  try {
    const created = await withMaintenance(
      client,
      target.name,
      io,
      {
        enable: args.maintenance,
        require: false,
        leftOn: {
          why:
            "the release did not finish, and a release phase that failed may have applied part " +
            "of its migrations under the code still running",
          finish: plan.undo ? `Roll back (below)` : "Check heroku releases",
          nothingChanged: (error) =>
            error instanceof PromotionNotStartedError || error instanceof RefusedError,
        },
      },
      () =>
        promote(client, plan, {
          io,
          clock: deps.clock,
          secondFactor: { given: args.twoFactorCode ?? env["HEROKU_TWO_FACTOR_CODE"] },
        }),
    );
    io.out(`Released ${target.name} ${describeRelease(created)}`);
    if (plan.undo) io.out(`If the smoke test fails, undo it with: ${plan.undo}`);
    io.out(
      "Until the smoke test passes: merge nothing to main, and approve no waiting Up deployment.",
    );
    return EXIT.OK;
  } catch (error) {
    const started = !(error instanceof PromotionNotStartedError || error instanceof RefusedError);
    if (!started || !plan.undo) throw error;
    io.err(`error: ${error instanceof Error ? error.message : String(error)}`);
    io.err(
      `Migrations the release phase applied before it stopped stay applied. To reverse them and ` +
        `return ${target.name} to v${sides.target.release?.version}: ${plan.undo}`,
    );
    return EXIT.FAILED;
  }
}
