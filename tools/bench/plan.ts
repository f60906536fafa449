// Wall time of the prod offline plan next to a bare `require('@pulumi/pulumi')`, in one run, so
// the figure says how much the program itself costs over loading Pulumi.
import { execFileSync } from "node:child_process";
import { join } from "node:path";

const root = join(__dirname, "..", "..");

function timeCommand(command: string, args: string[]): number {
  const start = process.hrtime.bigint();
  execFileSync(command, args, { cwd: root, stdio: "ignore" });
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

export async function benchPlan(runs = 3): Promise<string[]> {
  const tsx = join(root, "node_modules", ".bin", "tsx");
  const plan: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < runs; i++) {
    bare.push(timeCommand(process.execPath, ["-e", "require('@pulumi/pulumi')"]));
    plan.push(timeCommand(tsx, [join(root, "tools", "plan.ts"), "prod", "--json"]));
  }
  const planMs = median(plan);
  const bareMs = median(bare);
  return [
    `offline plan of prod (npm run plan -- prod --json), median of ${runs}: ${planMs.toFixed(0)} ms`,
    `bare node -e "require('@pulumi/pulumi')", median of ${runs}: ${bareMs.toFixed(0)} ms`,
    `ratio plan / bare require: ${(planMs / bareMs).toFixed(2)}`,
  ];
}
