// The test suite's and CI's times, beside their goals, from the record the last `bash .ci/run`
// on this checkout left in .tmp/ci-last.json: the bench cannot run the suite or CI inside itself.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { withGoal } from "./figures";

const RECORD = join(__dirname, "..", "..", ".tmp", "ci-last.json");

interface CiRecord {
  finished: string;
  commit: string;
  cores: number;
  loadAverage: number[];
  totalSeconds: number;
  passed: number;
  failed: number;
  phases: Record<string, number>;
}

export function benchCi(): Promise<string[]> {
  if (!existsSync(RECORD)) {
    return Promise.resolve([
      "no record yet: `bash .ci/run` writes .tmp/ci-last.json (npm test is its Node 20 phase)",
    ]);
  }
  const record = JSON.parse(readFileSync(RECORD, "utf8")) as CiRecord;
  const suite = (label: string) => record.phases[`tests on ${label}`] ?? NaN;
  const minutes = (seconds: number) => `${(seconds / 60).toFixed(1)} min`;
  return Promise.resolve([
    `last bash .ci/run: ${record.finished} at ${record.commit}, ${record.cores} cores, ` +
      `load average at the end ${record.loadAverage.map((l) => l.toFixed(1)).join(" ")}, ` +
      `${record.passed} passed, ${record.failed} failed`,
    withGoal(`npm test (its Node 20 phase): ${suite("node20")} s`, "≤ 90 s", suite("node20") <= 90),
    `npm test on Node 24: ${suite("node24")} s`,
    withGoal(
      `bash .ci/run: ${minutes(record.totalSeconds)} (${Object.entries(record.phases)
        .map(([phase, seconds]) => `${phase} ${seconds} s`)
        .join(", ")})`,
      "≤ 6 min",
      record.totalSeconds <= 360,
    ),
  ]);
}
