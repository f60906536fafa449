import type { Routes } from "../http";
export const drainRoutes: Routes = {};
