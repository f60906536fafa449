// `npm run release`: promotes the slug that passed QA on staging to prod through the pipeline,
// optionally under maintenance mode. Everything it touches is injected (see rollback/main.ts).
import type { HerokuClient } from "../../providers/heroku/client";
import { isNotFound } from "../../providers/heroku/client";
import { apiId, seg } from "../../providers/heroku/providerKit";
import {
  appPath,
  confirm,
  EXIT_FAILED,
  EXIT_OK,
  EXIT_USAGE,
  RefusedError,
  UsageError,
  type Io,
} from "./cli";
import { parseReleaseArgs, RELEASE_USAGE, type ReleaseArgs } from "./args";
import { withMaintenance } from "./maintenance";
import {
  checkPromotion,
  releasePlanText,
  releaseSteps,
  ReleasePlanError,
  type AppInfo,
  type Coupling,
  type ReleasePlan,
} from "./plan";
import type { Clock } from "./poll";
import { promote } from "./promote";
import { currentRelease, describeRelease, listReleases } from "./releases";
import { herokuAppForStack } from "./stackApp";

export interface ReleaseDeps {
  io: Io;
  heroku: () => HerokuClient;
  clock: Clock;
  stackRoot?: string;
}

export async function runRelease(argv: string[], deps: ReleaseDeps): Promise<number> {
  const { io } = deps;
  try {
    const args = parseReleaseArgs(argv);
    if (args.help) {
      io.out(RELEASE_USAGE);
      return EXIT_OK;
    }
    return await release(args, deps);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`error: ${error.message}\n\n${RELEASE_USAGE}`);
      return EXIT_USAGE;
    }
    const refused = error instanceof RefusedError || error instanceof ReleasePlanError;
    io.err(`${refused ? "refused" : "error"}: ${error instanceof Error ? error.message : error}`);
    return EXIT_FAILED;
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
  const sourceName = args.fromApp ?? herokuAppForStack(args.from ?? "", deps.stackRoot);
  const targetName = args.toApp ?? herokuAppForStack(args.to ?? "", deps.stackRoot);
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
  const partial = {
    source: { app: source, coupling: sourceCoupling, release: sourceRelease },
    target: { app: target, coupling: targetCoupling, release: currentRelease(targetReleases) },
    pipeline: { id: pipeline.id, name: pipeline.name },
    maintenance: args.maintenance,
  };
  const plan: ReleasePlan = { ...partial, steps: releaseSteps(partial) };
  for (const line of releasePlanText(plan)) io.out(line);

  if (!args.execute) {
    io.err("Dry run: nothing was changed. Add --execute to carry out these steps.");
    return EXIT_OK;
  }
  await confirm(io, {
    yes: args.yes,
    question: `Promote ${source.name} v${sourceRelease.version} to ${target.name}?`,
    expected: target.name,
  });
  const created = await withMaintenance(
    client,
    target.name,
    io,
    { enable: args.maintenance, require: false },
    () => promote(client, plan, deps),
  );
  io.out(`Released ${target.name} v${created.version}: ${describeRelease(created)}`);
  return EXIT_OK;
}
