// Runs the real program (index.ts) for one stack under mocks, with that stack's config file.
import { loadStackConfig, type StackConfig } from "../config/load";
import { withOfflineStandIns } from "../config/offlineStandIns";
import { mockCloudResource } from "./gcpMocks";
import {
  runUnderMocks,
  type MockResult,
  type MockRunResult,
  type RegisteredResource,
  type ResourceHandler,
} from "./mockRuntime";
import { PROJECT, configSourceOf, readStackFile, type ReadStackOptions } from "./stackFile";

export interface RunStackOptions extends ReadStackOptions {
  /** Decides outputs; defaults to the plan's mocks (cloud outputs derived, others unknown). */
  onResource?: ResourceHandler;
  /** Run as `pulumi preview` (default) or as `pulumi up`. */
  preview?: boolean;
  /** Loads the program fresh; defaults to requiring ../index.ts with a cleared module cache. */
  load?: () => Promise<Record<string, unknown>> | Record<string, unknown>;
  now?: Date;
}

export interface StackRun extends MockRunResult {
  stack: string;
  config: StackConfig;
  /** Secret keys the stack needs that its file does not set (each ran on a stand-in). */
  missingSecrets: string[];
}

/** Outputs as a preview knows them: cloud values derivable offline, the rest unknown. */
export function planMocks(resource: RegisteredResource): MockResult {
  const { __provider: _provider, ...inputs } = resource.inputs;
  return mockCloudResource(resource) ?? { id: undefined, state: inputs };
}

/**
 * Runs index.ts afresh (it reads the config when it runs). Only index.ts is reloaded: the modules
 * it imports keep no state between runs, and keeping them keeps each dynamic provider object, so
 * Pulumi serializes a provider's code once per process instead of once per run.
 */
export function requireProgramFresh(): Record<string, unknown> {
  delete require.cache[require.resolve("../index")];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("../index") as Record<string, unknown>;
}

/**
 * Validates the stack's config (throwing ConfigError or UnknownStackError before anything runs),
 * then runs index.ts under mocks and returns every registration and the stack outputs.
 */
export async function runStack(stack: string, options: RunStackOptions = {}): Promise<StackRun> {
  const file = readStackFile(stack, options);
  const config = loadStackConfig(configSourceOf(file), stack, {
    ...(options.now ? { now: options.now } : {}),
    refusePlaceholders: options.preview === false,
  });
  // The stand-ins are honoured only inside this run (config/offlineStandIns.ts).
  const result = await withOfflineStandIns(file.standIns, () =>
    runUnderMocks({
      project: PROJECT,
      stack,
      config: file.config,
      secretKeys: file.secretKeys,
      preview: options.preview ?? true,
      onResource: options.onResource ?? planMocks,
      program: options.load ?? requireProgramFresh,
    }),
  );
  return { ...result, stack, config, missingSecrets: file.missingSecrets };
}
