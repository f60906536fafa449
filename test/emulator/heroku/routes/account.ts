// The account the emulator's token belongs to, and the teams it is asked about: what a client
// reads to name a pipeline's owner (heroku/cli src/commands/pipelines/create.ts and
// terraform-provider-heroku heroku/resource_heroku_pipeline.go both send the authenticated user,
// or the team, as `owner`).
import { accountShape, teamShape } from "../shapes";
import type { Routes } from "../http";

export const accountRoutes: Routes = {
  "GET /account": () => ({ body: accountShape() }),
  // Simplification: the account is a member of every team it asks about (the emulator keeps no
  // team memberships); the id is stable per name, the same one apps of that team carry.
  "GET /teams/{team}": ({ params }) => ({ body: teamShape(params.team!) }),
};
