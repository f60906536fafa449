import type { ServerResponse } from "node:http";
import type { Routes } from "../http";
import type { EmulatorState } from "../state";
export const dynoRoutes: Routes = {};
export function serveLogplex(
  state: EmulatorState,
  id: string,
  res: ServerResponse,
  onStatus: (s: number) => void,
): void {
  void state;
  void id;
  onStatus(404);
  res.writeHead(404);
  res.end();
}
