// The prod offline plan (npm's own start-up left out) beside the costs under it: Node and tsx
// starting, a bare require('@pulumi/pulumi') and @pulumi/gcp. The plan stands a constant in for
// the providers' closure serialization (tools/plan/skipProviderSerialization.ts); the last line
// runs the same plan with every provider serialized, as it did before, to show what that costs.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { median, npmScriptNodeArgs, withGoal } from "./figures";

const ROOT = join(__dirname, "..", "..");
const GNU_TIME = "/usr/bin/time";

interface Timed {
  wallMs: number;
  cpuMs: number;
}

function timeCommand(args: string[]): Timed {
  const start = process.hrtime.bigint();
  const timed = existsSync(GNU_TIME);
  const run = spawnSync(
    timed ? GNU_TIME : process.execPath,
    timed ? ["-f", "cpu=%U+%S", process.execPath, ...args] : args,
    { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" },
  );
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (run.status !== 0) throw new Error(`${args.join(" ")} failed: ${run.stderr.slice(-500)}`);
  const cpu = /cpu=([\d.]+)\+([\d.]+)/.exec(run.stderr);
  return { wallMs, cpuMs: cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : NaN };
}

const WITH_SERIALIZATION =
  "require('./tools/plan/print').printPlan('prod', { json: true }, " +
  "{ out: () => undefined, err: () => undefined }).then((code) => process.exit(code))";

export async function benchPlan(runs = 3): Promise<string[]> {
  const cases: [string, string[]][] = [
    ["node, empty script", ["-e", "0"]],
    ["node --import tsx, empty script", ["--import", "tsx", "-e", "0"]],
    ["bare require('@pulumi/pulumi')", ["-e", "require('@pulumi/pulumi')"]],
    [
      "require('@pulumi/pulumi') and require('@pulumi/gcp')",
      ["-e", "require('@pulumi/pulumi'); require('@pulumi/gcp')"],
    ],
    ["npm run plan -- prod --json", [...npmScriptNodeArgs(ROOT, "plan"), "prod", "--json"]],
    [
      "the same plan with every provider serialized (as before)",
      ["--import", "tsx", "-e", WITH_SERIALIZATION],
    ],
  ];
  const times = new Map<string, Timed[]>(cases.map(([label]) => [label, []]));
  // Interleaved rounds, so a busy machine slows every case alike.
  for (let round = 0; round < runs; round++) {
    for (const [label, args] of cases) times.get(label)!.push(timeCommand(args));
  }
  const wall = (label: string) => median(times.get(label)!.map((t) => t.wallMs));
  const lines = cases.map(([label]) => {
    const wallMs = wall(label);
    const cpuMs = median(times.get(label)!.map((t) => t.cpuMs));
    const line = `${label}: ${wallMs.toFixed(0)} ms wall, ${cpuMs.toFixed(0)} ms CPU (median of ${runs})`;
    return label.startsWith("npm run plan") ? withGoal(line, "≤ 2.5 s", wallMs <= 2500) : line;
  });
  // What no change to the program can remove: Node with tsx, and loading Pulumi and GCP.
  const floorMs =
    wall("node --import tsx, empty script") +
    wall("require('@pulumi/pulumi') and require('@pulumi/gcp')") -
    wall("node, empty script");
  const planMs = wall("npm run plan -- prod --json");
  lines.push(
    `floor (tsx starting + loading @pulumi/pulumi and @pulumi/gcp): ${floorMs.toFixed(0)} ms; ` +
      `the program's run and the printing on top: ${(planMs - floorMs).toFixed(0)} ms`,
  );
  return lines;
}
