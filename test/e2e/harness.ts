// Shared set-up of the emulated `pulumi up` tests: both emulators on 127.0.0.1, the providers'
// environment pointed at them, and the real index.ts loaded afresh for every run.
import { expect, vi } from "vitest";
import { rehearsalOverrides } from "../../tools/stackFile";
import { EmulatedUpError, upStack, type EngineState, type UpResult } from "../../tools/emulatedUp";
import { loadProgram, testSecrets } from "../support/stack";

export {
  createPipeline,
  startE2eEnvironment,
  writesOf,
  type E2eEnvironment,
} from "../../tools/e2e/run";

export async function up(
  stack: string,
  state: EngineState | undefined,
  options: {
    overrides?: Record<string, string>;
    secrets?: Record<string, string>;
    refresh?: boolean;
    /** `pulumi preview`: the steps, nothing changed. */
    preview?: boolean;
  } = {},
): Promise<UpResult> {
  const secrets = { ...(await testSecrets()), ...options.secrets };
  return upStack(stack, {
    program: loadProgram,
    secrets,
    // A real up refuses `change-me` placeholders; the rehearsal gives them test values.
    overrides: { ...rehearsalOverrides(stack, "e2e", secrets), ...options.overrides },
    ...(state ? { state } : {}),
    ...(options.refresh ? { refresh: true } : {}),
    ...(options.preview ? { preview: true } : {}),
  });
}

/** `op name` of every step that changed something. */
export function changes(result: { steps: { op: string; name: string }[] }): string[] {
  return result.steps
    .filter((s) => s.op !== "same")
    .map((s) => `${s.op} ${s.name}`)
    .sort();
}

/**
 * An up of the real program takes 10-30 s on a busy 2-core machine and these tests run several
 * in one test or hook: give them room (the suite's default is 60 s).
 */
export function allowSeveralUps(): void {
  vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });
}

/** The process types of the app's Procfile, as a deploy registers them on the emulated app. */
export const APP_PROCESS_TYPES = {
  web: "gunicorn",
  worker: "celery",
  priority: "celery",
  beat: "celery beat",
};

/** The error of an emulated up that must fail (it carries the state the engine saved). */
export async function failedUp(run: Promise<unknown>): Promise<EmulatedUpError> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EmulatedUpError);
  return error as EmulatedUpError;
}
