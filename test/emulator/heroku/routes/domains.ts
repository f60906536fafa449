import type { Routes } from "../http";
export const domainRoutes: Routes = {};
