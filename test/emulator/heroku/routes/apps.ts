import { appShape, teamAppShape } from "../shapes";
import { invalid, type Routes } from "../http";

interface AppCreate {
  name?: string;
  region?: string;
  stack?: string;
}

interface TeamAppCreate extends AppCreate {
  team?: string;
  locked?: boolean;
}

export const appRoutes: Routes = {
  "POST /apps": ({ state, body }) => {
    const b = body as AppCreate;
    return { body: appShape(state.createApp({ name: b.name, region: b.region, stack: b.stack })) };
  },
  "POST /teams/apps": ({ state, body }) => {
    const b = body as TeamAppCreate;
    if (!b.team) throw invalid("Team is required.");
    const app = state.createApp({ ...b, team: b.team });
    return { body: teamAppShape(app) };
  },
  "GET /teams/apps/{team_app}": ({ state, params }) => ({
    body: teamAppShape(state.app(params.team_app!)),
  }),
  "GET /apps": ({ state }) => ({ list: [...state.apps.values()].map(appShape) }),
  "GET /apps/{app}": ({ state, params }) => ({ body: appShape(state.app(params.app!)) }),
  "PATCH /apps/{app}": ({ state, params, body }) => {
    const app = state.app(params.app!);
    const b = body as { name?: string; maintenance?: boolean; build_stack?: string };
    if (b.name !== undefined && b.name !== app.name) state.renameApp(app, b.name);
    if (b.maintenance !== undefined) app.maintenance = b.maintenance;
    if (b.build_stack !== undefined) app.buildStack = state.stack(b.build_stack);
    app.updatedAt = state.now();
    return { body: appShape(app) };
  },
  "DELETE /apps/{app}": ({ state, params }) => {
    const app = state.app(params.app!);
    const shape = appShape(app);
    state.deleteApp(app);
    return { body: shape };
  },
};
