import type { Routes } from "../http";
export const pipelineRoutes: Routes = {};
