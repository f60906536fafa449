// The program start of `pulumi preview`/`up` for prod, run exactly as Pulumi's Node.js host runs
// it (tools/pulumiHost.ts: Pulumi.yaml read, the tsconfig it names, Pulumi's own cmd/run
// registering ts-node), next to the same start forced transpile-only and the type-checking start
// that Pulumi's default gave before Pulumi.yaml named tsconfig.pulumi.json; then what the dynamic
// providers' closure serialization costs inside that start (the same run with Pulumi's serializer
// replaced by a constant). Rounds interleave the variants, so a busy machine slows all alike.
import { runAsPulumiHost, type HostedRunOptions, type HostedRunResult } from "../pulumiHost";
import { planMocks } from "../runStack";
import { readStackFile } from "../stackFile";
import { testSecrets } from "../../test/support/stack";
import { median, withGoal } from "./figures";
import { withoutSerialization } from "./noSerialization";

interface Measured {
  wallMs: number;
  cpuMs: number;
  rssMb: number;
  last: HostedRunResult;
}

// A real run refuses the offline plan's secret stand-ins (config/offlineStandIns.ts): give it the
// tests' values, as test/program/pulumiStart.test.ts does.
async function prodSecrets(): Promise<Record<string, string>> {
  return { ...(await testSecrets()), "gyana:secretKey": "s".repeat(60) };
}

async function hostedStart(label: string, options: Partial<HostedRunOptions>) {
  const file = readStackFile("prod", { secrets: await prodSecrets() });
  const result = await runAsPulumiHost({
    stack: "prod",
    config: file.config,
    secretKeys: file.secretKeys,
    preview: true,
    onResource: planMocks,
    ...options,
  });
  if (result.code !== 0) {
    const logged = result.logs.filter((l) => l.severity >= 3).map((l) => l.message);
    throw new Error(
      `${label}: exit ${result.code}: ${[result.stderr.slice(0, 500), ...logged].join("\n").slice(0, 1500)}`,
    );
  }
  return result;
}

function summarize(results: HostedRunResult[]): Measured {
  return {
    wallMs: median(results.map((r) => r.wallMs)),
    cpuMs: median(results.map((r) => r.cpuMs ?? NaN)),
    rssMb: median(results.map((r) => r.maxRssMb ?? NaN)),
    last: results[results.length - 1]!,
  };
}

const describeRun = (m: Measured) =>
  `${m.wallMs.toFixed(0)} ms wall, ${m.cpuMs.toFixed(0)} ms CPU, ${m.rssMb.toFixed(0)} MB peak`;

export async function benchProgramStart(runs = 3): Promise<string[]> {
  const variants: Record<string, Partial<HostedRunOptions>> = {
    asPulumi: {},
    transpileOnly: { env: { PULUMI_NODEJS_TRANSPILE_ONLY: "true" } },
    // Pulumi.yaml without `tsconfig`: the host reads tsconfig.json and ts-node type-checks.
    typeChecking: { runtime: { tsconfig: undefined } },
  };
  const results: Record<string, HostedRunResult[]> = { unserialized: [] };
  await withoutSerialization(async (preload) => {
    for (let round = 0; round < runs; round++) {
      for (const [label, options] of Object.entries(variants)) {
        (results[label] ??= []).push(await hostedStart(label, options));
      }
      results["unserialized"]!.push(
        await hostedStart("without serialization", {
          ...variants["transpileOnly"],
          nodeArgs: ["--require", preload],
        }),
      );
    }
  });
  const asPulumi = summarize(results["asPulumi"]!);
  const transpileOnly = summarize(results["transpileOnly"]!);
  const typeChecking = summarize(results["typeChecking"]!);
  const unserialized = summarize(results["unserialized"]!);

  const providers = new Map<string, number>();
  for (const resource of asPulumi.last.resources) {
    const text = resource.inputs["__provider"];
    if (typeof text === "string") providers.set(resource.type, text.length);
  }
  const sizes = [...providers.values()].sort((a, b) => a - b);
  const kb = (chars: number | undefined) => ((chars ?? NaN) / 1024).toFixed(0);
  // Ratios round by round (the two ran back to back), then their median: steadier on a busy
  // machine than the ratio of two medians.
  const pairedRatio = (
    a: HostedRunResult[],
    b: HostedRunResult[],
    of: (r: HostedRunResult) => number,
  ) => median(a.map((run, i) => of(run) / of(b[i]!)));
  const wallRatio = pairedRatio(results["asPulumi"]!, results["transpileOnly"]!, (r) => r.wallMs);
  const cpuRatio = pairedRatio(
    results["asPulumi"]!,
    results["transpileOnly"]!,
    (r) => r.cpuMs ?? NaN,
  );
  const serializationCpu = transpileOnly.cpuMs - unserialized.cpuMs;
  return [
    `Pulumi's cmd/run on index.ts (prod, preview) against a local resource monitor, median of ${runs}:`,
    `as pulumi preview/up start it (Pulumi.yaml → tsconfig.pulumi.json): ${describeRun(asPulumi)}`,
    `the same forced transpile-only (PULUMI_NODEJS_TRANSPILE_ONLY=true): ${describeRun(transpileOnly)}`,
    `type-checking first (Pulumi's default, before tsconfig.pulumi.json): ${describeRun(typeChecking)}`,
    withGoal(
      `as-Pulumi / transpile-only, median of the rounds' ratios: ${wallRatio.toFixed(2)} wall, ` +
        `${cpuRatio.toFixed(2)} CPU`,
      "≤ 1.3",
      wallRatio <= 1.3,
    ),
    `type-checking / transpile-only: ${(typeChecking.wallMs / transpileOnly.wallMs).toFixed(2)} wall, ` +
      `${(typeChecking.cpuMs / transpileOnly.cpuMs).toFixed(2)} CPU`,
    `closure serialization of ${providers.size} dynamic providers (${kb(sizes[0])}–` +
      `${kb(sizes[sizes.length - 1])} KB each, ${kb(sizes.reduce((a, b) => a + b, 0))} KB in all): ` +
      `${(transpileOnly.wallMs - unserialized.wallMs).toFixed(0)} ms wall, ` +
      `${serializationCpu.toFixed(0)} ms CPU, ` +
      `${((100 * serializationCpu) / transpileOnly.cpuMs).toFixed(0)}% of the transpile-only start's CPU ` +
      `(without it: ${describeRun(unserialized)})`,
  ];
}
