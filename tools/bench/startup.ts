// How long a command takes to refuse bad arguments, next to tsx starting an empty script: the
// commands check their arguments before loading @pulumi/pulumi, so the two should be close.
import { execFileSync } from "node:child_process";
import { join } from "node:path";

const root = join(__dirname, "..", "..");

function timeRun(args: string[]): number {
  const start = process.hrtime.bigint();
  try {
    execFileSync(process.execPath, args, { cwd: root, stdio: "ignore" });
  } catch {
    // A usage error exits 2: that is what is being timed.
  }
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

export async function benchStartup(runs = 3): Promise<string[]> {
  // As the npm scripts start them: node --import tsx.
  const tsx = ["--import", "tsx"];
  const cases: [string, string[]][] = [
    ["node --import tsx, empty script", [...tsx, "-e", "0"]],
    ...["plan", "drift", "e2e", "bench", "release", "rollback"].map(
      (command): [string, string[]] => [
        `${command} --no-such-flag`,
        [...tsx, join("tools", `${command}.ts`), "--no-such-flag"],
      ],
    ),
    ["a bare require('@pulumi/pulumi')", [process.execPath, "-e", "require('@pulumi/pulumi')"]],
  ];
  return cases.map(([label, args]) => {
    const times = Array.from({ length: runs }, () => timeRun(args));
    return `${label}: ${median(times).toFixed(0)} ms (median of ${runs})`;
  });
}
