import { buildpackShapes } from "../shapes";
import { invalid, type Routes } from "../http";
import type { AppRecord, EmulatorState } from "../state";

/**
 * Heroku refuses to set or unset a config var that an add-on attachment provides: "Cannot
 * overwrite attachment values DATABASE_URL." (the API's message as the heroku CLI prints it, seen
 * in public runbooks and in xavdid/heroku-config#32, where one PATCH hit two:
 * "Cannot overwrite attachment values DATABASE_URL, HEROKU_POSTGRESQL_MAUVE_URL."). The
 * attachment must be detached or renamed first. The HTTP status and error id are not documented
 * in those sources: 422 `invalid_params` here, as for Heroku's other refused parameters.
 */
function refuseAttachmentVars(
  state: EmulatorState,
  app: AppRecord,
  vars: Record<string, unknown>,
): void {
  const owned = new Set(state.addonsOf(app).flatMap((a) => a.configVarNames));
  const hit = Object.keys(vars).filter((k) => owned.has(k));
  if (hit.length > 0) throw invalid(`Cannot overwrite attachment values ${hit.join(", ")}.`);
}

/** `heroku/python` ↔ its buildpack registry URL; plain URLs stand for themselves. */
function buildpack(spec: string): { url: string; name: string } {
  if (/^[a-z0-9-]+\/[a-z0-9-]+$/i.test(spec)) {
    return {
      url: `https://buildpack-registry.s3.amazonaws.com/buildpacks/${spec}.tgz`,
      name: spec,
    };
  }
  if (spec.startsWith("urn:buildpack:")) {
    const name = spec.slice("urn:buildpack:".length);
    return { url: `https://buildpack-registry.s3.amazonaws.com/buildpacks/${name}.tgz`, name };
  }
  return { url: spec, name: spec };
}

export const configRoutes: Routes = {
  "GET /apps/{app}/config-vars": ({ state, params }) => ({
    body: { ...state.app(params.app!).configVars },
  }),
  "PATCH /apps/{app}/config-vars": ({ state, params, body }) => {
    const app = state.app(params.app!);
    const vars = body as Record<string, string | null>;
    refuseAttachmentVars(state, app, vars);
    return { body: state.setConfigVars(app, vars) };
  },
  "GET /apps/{app}/releases/{release}/config-vars": ({ state, params }) => {
    const app = state.app(params.app!);
    return { body: { ...state.release(app, params.release!).configVars } };
  },
  "GET /apps/{app}/buildpack-installations": ({ state, params }) => ({
    list: buildpackShapes(state.app(params.app!)),
    sortKey: "ordinal",
  }),
  "PUT /apps/{app}/buildpack-installations": ({ state, params, body }) => {
    const app = state.app(params.app!);
    const b = body as { updates: { buildpack: string }[] };
    app.buildpacks = b.updates.map((u) => buildpack(u.buildpack));
    app.updatedAt = state.now();
    return { body: buildpackShapes(app) };
  },
};
