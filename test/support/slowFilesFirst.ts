// The order test files start in. Vitest runs the files that took longest last time first, from
// a record it keeps in node_modules/.vite; a clean clone (CI) has none, and vitest then starts the
// largest files first, which put Pulumi's own program start (a short file, 20 s) among the last
// and left one worker running it alone at the end. These files, measured the slowest on the
// 2-core machine (docs/benchmarks.md), start first, slowest first; the rest follow vitest's order.
import { BaseSequencer, type TestSpecification } from "vitest/node";

export const SLOW_FILES = [
  "test/program/pulumiStart.test.ts",
  "test/e2e/previews.test.ts",
  "test/e2e/changes.test.ts",
  "test/e2e/addonPlans.test.ts",
  "test/e2e/adoptProd.test.ts",
  "test/release/rehearse.test.ts",
  "test/rollback/guards.test.ts",
  "test/rollback/rollback.test.ts",
  "test/e2e/dynamicProviderHost.test.ts",
  "test/e2e/providerErrors.test.ts",
  "test/plan/plan.test.ts",
  "test/policy/pack.test.ts",
  "test/cli/commands.test.ts",
  "test/e2e/freshUp.test.ts",
  "test/delivery/previewWithoutCredentials.test.ts",
];

export default class SlowFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (file: TestSpecification) => {
      const index = SLOW_FILES.findIndex((slow) => file.moduleId.endsWith(`/${slow}`));
      return index < 0 ? SLOW_FILES.length : index;
    };
    // Array.prototype.sort is stable: files not listed keep vitest's order.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}
