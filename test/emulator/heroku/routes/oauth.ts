import type { Routes } from "../http";
export const oauthRoutes: Routes = {};
