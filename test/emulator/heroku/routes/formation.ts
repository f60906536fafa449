import { formationShape } from "../shapes";
import { invalid, notFound, type Routes } from "../http";
import type { AppRecord, EmulatorState, FormationRecord } from "../state";

interface FormationUpdate {
  type?: string;
  quantity?: number;
  dyno_size?: { id?: string; name?: string };
  size?: string;
}

function find(app: AppRecord, identity: string): FormationRecord | undefined {
  return app.formation.get(identity) ?? [...app.formation.values()].find((f) => f.id === identity);
}

function apply(state: EmulatorState, app: AppRecord, f: FormationRecord, u: FormationUpdate): void {
  if (u.quantity !== undefined) f.quantity = u.quantity;
  const size = u.dyno_size?.name ?? u.dyno_size?.id ?? u.size;
  if (size !== undefined) f.size = state.dynoSize(size);
  f.updatedAt = state.now();
  app.updatedAt = f.updatedAt;
}

export const formationRoutes: Routes = {
  "GET /apps/{app}/formation": ({ state, params }) => {
    const app = state.app(params.app!);
    return { list: [...app.formation.values()].map((f) => formationShape(app, f)) };
  },
  "GET /apps/{app}/formation/{formation}": ({ state, params }) => {
    const app = state.app(params.app!);
    const f = find(app, params.formation!);
    if (!f) throw notFound("formation");
    return { body: formationShape(app, f) };
  },
  "PATCH /apps/{app}/formation": ({ state, params, body }) => {
    const app = state.app(params.app!);
    const updates = (body as { updates: FormationUpdate[] }).updates;
    // Heroku checks every type before changing any.
    const targets = updates.map((u) => {
      const f = find(app, u.type ?? "");
      if (!f) throw invalid(`Couldn't find that process type (${u.type ?? ""}).`);
      return f;
    });
    for (const u of updates)
      state.dynoSize(u.dyno_size?.name ?? u.dyno_size?.id ?? u.size ?? "basic");
    updates.forEach((u, i) => apply(state, app, targets[i]!, u));
    return { status: 200, body: targets.map((f) => formationShape(app, f)) };
  },
  "PATCH /apps/{app}/formation/{formation}": ({ state, params, body }) => {
    const app = state.app(params.app!);
    const f = find(app, params.formation!);
    if (!f) throw invalid(`Couldn't find that process type (${params.formation!}).`);
    apply(state, app, f, body as FormationUpdate);
    return { body: formationShape(app, f) };
  },
};
