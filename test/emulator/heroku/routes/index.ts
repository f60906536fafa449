// Every emulated route, keyed by `METHOD template`; keys are checked against the schema so a
// typo fails at start instead of answering 404 in some test.
import type { Routes } from "../http";
import { schemaRoutes } from "../schema";
import { accountRoutes } from "./account";
import { addonRoutes } from "./addons";
import { appRoutes } from "./apps";
import { configRoutes } from "./config";
import { domainRoutes } from "./domains";
import { drainRoutes } from "./drains";
import { dynoRoutes } from "./dynos";
import { formationRoutes } from "./formation";
import { oauthRoutes } from "./oauth";
import { pipelineRoutes } from "./pipelines";
import { releaseRoutes } from "./releases";

export const ALL_ROUTES: Routes = {
  ...accountRoutes,
  ...appRoutes,
  ...addonRoutes,
  ...configRoutes,
  ...formationRoutes,
  ...domainRoutes,
  ...drainRoutes,
  ...dynoRoutes,
  ...oauthRoutes,
  ...pipelineRoutes,
  ...releaseRoutes,
};

export function checkRouteKeys(): void {
  const known = new Set(schemaRoutes().map((r) => r.key));
  const typos = Object.keys(ALL_ROUTES).filter((k) => !known.has(k));
  if (typos.length) throw new Error(`emulator routes not in the schema: ${typos.join(", ")}`);
}
