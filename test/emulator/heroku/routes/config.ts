import { buildpackShapes } from "../shapes";
import type { Routes } from "../http";

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
  "PATCH /apps/{app}/config-vars": ({ state, params, body }) => ({
    body: state.setConfigVars(state.app(params.app!), body as Record<string, string | null>),
  }),
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
