// Releases: list, info (a GET of a pending release is a poll), rollback and release-from-slug.
import { releaseShape, slugShape } from "../shapes";
import { notFound, type Routes } from "../http";

export const releaseRoutes: Routes = {
  "GET /apps/{app}/releases": ({ state, params }) => {
    const app = state.app(params.app!);
    return { list: app.releases.map((r) => releaseShape(state, app, r)), sortKey: "version" };
  },
  "GET /apps/{app}/releases/{release}": ({ state, params }) => {
    const app = state.app(params.app!);
    const release = state.release(app, params.release!);
    state.pollRelease(app, release);
    return { body: releaseShape(state, app, release) };
  },
  // One route, two links: `{release}` rolls back, `{slug}` releases a slug.
  "POST /apps/{app}/releases": ({ state, params, body }) => {
    const app = state.app(params.app!);
    const b = body as { release?: string; slug?: string; description?: string };
    if (b.release !== undefined) {
      const target = app.releases.find((r) => r.id === b.release);
      if (!target) throw notFound("release");
      return { body: releaseShape(state, app, state.rollback(app, target)) };
    }
    const slug = app.slugs.get(b.slug ?? "");
    if (!slug) throw notFound("slug");
    const release = state.createRelease(app, {
      description: b.description ?? `Deploy ${slug.commit.slice(0, 8)}`,
      slug,
      // A Procfile `release:` command keeps the release pending while it runs.
      pendingPolls: "release" in slug.processTypes ? 1 : 0,
    });
    return { body: releaseShape(state, app, release) };
  },
  "GET /apps/{app}/slugs/{slug}": ({ state, params }) => {
    const app = state.app(params.app!);
    const slug = app.slugs.get(params.slug!);
    if (!slug) throw notFound("slug");
    return { body: slugShape(app, slug) };
  },
};
