import type { Routes } from "../http";
export const releaseRoutes: Routes = {};
