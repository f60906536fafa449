// Helpers shared by the bench sections: medians, a figure printed beside its goal, npm scripts.
import { readFileSync } from "node:fs";
import { join } from "node:path";

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

/** `line  [goal ≤ 2.5 s: met]`: the goal beside the figure, never asserted. */
export function withGoal(line: string, goal: string, met: boolean): string {
  return `${line}  [goal ${goal}: ${met ? "met" : "NOT met"}]`;
}

/** The node arguments of an npm script that runs `node …` (package.json), to time it without npm. */
export function npmScriptNodeArgs(root: string, script: string): string[] {
  const { scripts } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  };
  const [command, ...args] = (scripts[script] ?? "").split(/\s+/);
  if (command !== "node") throw new Error(`npm run ${script} does not start with node`);
  return args;
}
