// A small stand-in for the Pulumi engine, so that `pulumi preview` and `pulumi up` of the real
// program can run here without the Pulumi CLI. The program runs under Pulumi's mocks
// (tools/mockRuntime.ts) and each registration is stepped the way the engine steps it.
//
// What is real: every dynamic resource (`pulumi-nodejs:dynamic/...`) is executed by Pulumi's own
// dynamic provider host (`@pulumi/pulumi/cmd/dynamic-provider`, tools/engine/dynamicProviderHost.ts)
// over gRPC, from the `__provider` string the program serialized, against whatever API the
// environment points at (the emulators in tests). What is emulated: the engine's step logic
// (below, modelled on pulumi/pulumi pkg/resource/deploy/step_generator.go and step.go) and the
// outputs of other custom resources (GCP, random), which come from a mock function and are kept
// between runs like state.
//
// Per registration: Check (olds = old inputs; none for a create or a replacement) → no prior
// state: Create (or Import, for a non-dynamic resource with an import id; a dynamic one with an
// import id fails as in Pulumi) | prior state: Diff (olds = old outputs) → Update, replace
// (create-then-delete, or delete-then-create when the provider asks for deleteBeforeReplace) or
// Same (old outputs kept). A resource whose state carries init errors and has no diff gets an
// empty Update, so its provider can finish it. After the program: delete what the prior state has
// and the program no longer declares, dependents first; a protected resource makes the whole
// deletion fail before anything is deleted; a retainOnDelete one leaves the state without a
// Delete call. `refresh` reads every dynamic resource first.
//
// Errors, as the engine handles them (provider_plugin.go `parseError`, step.go): a failed Create
// saves nothing and a failed Update keeps the old state, unless the provider reported a partial
// failure (`ErrorResourceInitFailed`: an error with an `id`), in which case the resource is saved
// with that id and those properties and the reasons become its init errors.
//
// A preview (`preview: true`) runs Check and Diff for real, and like the engine with a host that
// does not support previews, sends no Create or Update: a create's outputs are its inputs and its
// id is unknown; an update's outputs are its new inputs and its id is kept. Unknown values reach
// Check and Diff as the engine's unknown sentinel. Nothing is written and no state is returned.
import * as pulumi from "@pulumi/pulumi";
import {
  ProviderCallError,
  UNKNOWN,
  acquireDynamicProviderHost,
  type DynamicProviderHost,
} from "./engine/dynamicProviderHost";
import { jsonValue } from "./engine/jsonValue";
import {
  PROVIDER_KEY,
  changedKeys,
  deepEqual,
  secretOutputKeys,
  type Props,
} from "./engine/properties";
import { mockCloudResource } from "./gcpMocks";
import { runUnderMocks, type RegisteredResource } from "./mockRuntime";
import { PROJECT, readStackFile } from "./stackFile";

const DYNAMIC_PREFIX = "pulumi-nodejs:dynamic/";

/** One resource as the emulated engine keeps it between runs (plain values, like decrypted state). */
export interface StateResource {
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  id: string;
  /** Checked inputs, secrets unwrapped; a dynamic resource's include `__provider`. */
  inputs: Props;
  /**
   * Outputs, secrets unwrapped, exactly as the engine stores them: a dynamic resource's include
   * the `__provider` the host returned (absent when a partial failure reported none).
   */
  outputs: Props;
  /** Top-level output keys stored as secrets. */
  secretKeys: string[];
  /** Reasons of a partial failure (`ErrorResourceInitFailed`); the next up updates the resource. */
  initErrors?: string[];
  protect: boolean;
  retainOnDelete: boolean;
  parentUrn: string | null;
  dependencies: string[];
}

/** The emulated stack state: resources keyed by URN. JSON-serializable. */
export interface EngineState {
  resources: Record<string, StateResource>;
  /**
   * Old resources of a create-before-delete replacement whose new resource was saved after a
   * partial failure: deleted at the end of the next up (the engine's `Delete: true` resources).
   */
  pendingDeletes?: StateResource[];
}

export type StepOp = "create" | "update" | "replace" | "same" | "delete" | "import" | "retain";

export interface Step {
  op: StepOp;
  urn: string;
  type: string;
  name: string;
  /** For update and replace: the properties that changed (replace: those that force it). */
  changes?: string[];
}

export interface RefreshChange {
  urn: string;
  /** `gone` when read found nothing and the resource left the state. */
  kind: "changed" | "gone";
  /** Top-level output keys whose values differ after the read. */
  keys: string[];
}

/** Outputs of a custom resource that is not dynamic (GCP, random): `{ id, outputs }`. */
export type MockOutputs = (
  resource: RegisteredResource,
) =>
  | { id?: string; outputs: Record<string, unknown> }
  | Promise<{ id?: string; outputs: Record<string, unknown> }>;

export interface UpOptions {
  project?: string;
  stack: string;
  /** Stack config as `namespace:key` → string. */
  config: Record<string, string>;
  /** Config keys whose values are secrets. */
  secretKeys: string[];
  /** Loads the program afresh (e.g. `vi.resetModules(); return import("../../index")`). */
  program: () => Promise<Record<string, unknown>> | Record<string, unknown>;
  /** State of the previous run; absent for a fresh stack. Not modified. */
  state?: EngineState;
  /** Read every dynamic resource before running the program (`pulumi up --refresh`). */
  refresh?: boolean;
  /** `pulumi preview`: list the steps, change nothing, return the prior state. */
  preview?: boolean;
  /** Outputs for non-dynamic custom resources; defaults to {@link defaultMockOutputs}. */
  mocks?: MockOutputs;
  onCall?: (token: string, args: Record<string, unknown>) => Record<string, unknown>;
}

export interface UpResult {
  /** The new state (a preview: the prior state, unchanged). */
  state: EngineState;
  steps: Step[];
  refreshed: RefreshChange[];
  resources: RegisteredResource[];
  outputs: Record<string, unknown>;
  maskedOutputs: Record<string, unknown>;
}

/** Thrown when a run fails; `state` is what the engine would have checkpointed so far. */
export class EmulatedUpError extends Error {
  constructor(
    message: string,
    readonly state: EngineState,
    readonly steps: Step[],
  ) {
    super(message);
    this.name = "EmulatedUpError";
  }
}

/** Realistic outputs for the non-dynamic resources the program declares when no mocks are given. */
export function defaultMockOutputs(resource: RegisteredResource): {
  id?: string;
  outputs: Record<string, unknown>;
} {
  if (resource.type === "random:index/randomPassword:RandomPassword") {
    const length = Number(resource.inputs["length"] ?? 32);
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    const bytes = crypto.getRandomValues(new Uint8Array(length));
    const result = Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
    return { id: "none", outputs: { ...resource.inputs, result } };
  }
  return { id: `${resource.name}-id`, outputs: { ...resource.inputs } };
}

function isDynamic(resource: { type: string }): boolean {
  return resource.type.startsWith(DYNAMIC_PREFIX);
}

/** Outputs as the SDK receives them: the stored secrets marked secret again. */
function toMockState(outputs: Props, secretKeys: string[]): Props {
  return Object.fromEntries(
    Object.entries(outputs).map(([k, v]) => [k, secretKeys.includes(k) ? pulumi.secret(v) : v]),
  );
}

function cloneState(state: EngineState | undefined): EngineState {
  return state
    ? (jsonValue(state) as EngineState)
    : { resources: {} as Record<string, StateResource> };
}

function describe(resource: { type: string; name: string }): string {
  return `${resource.type} "${resource.name}"`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Orders resources so that each one comes before everything it depends on (delete order). */
function deleteOrder(resources: StateResource[]): StateResource[] {
  const urns = new Set(resources.map((r) => r.urn));
  const dependents = new Map<string, number>();
  for (const r of resources) dependents.set(r.urn, 0);
  const edges = (r: StateResource) =>
    [...r.dependencies, ...(r.parentUrn ? [r.parentUrn] : [])].filter(
      (u) => urns.has(u) && u !== r.urn,
    );
  for (const r of resources) {
    for (const dep of new Set(edges(r))) dependents.set(dep, (dependents.get(dep) ?? 0) + 1);
  }
  const ordered: StateResource[] = [];
  const ready = resources.filter((r) => dependents.get(r.urn) === 0);
  const remaining = new Set(resources.map((r) => r.urn));
  while (ready.length > 0) {
    const next = ready.shift()!;
    ordered.push(next);
    remaining.delete(next.urn);
    for (const dep of new Set(edges(next))) {
      const left = (dependents.get(dep) ?? 0) - 1;
      dependents.set(dep, left);
      if (left === 0) ready.push(resources.find((r) => r.urn === dep)!);
    }
  }
  // A cycle cannot come from a Pulumi program; keep whatever is left rather than lose it.
  for (const r of resources) if (remaining.has(r.urn)) ordered.push(r);
  return ordered;
}

/** The run's lazily started host: a stack without dynamic resources never starts one. */
class HostLease {
  private lease: ReturnType<typeof acquireDynamicProviderHost> | undefined;

  host(): Promise<DynamicProviderHost> {
    this.lease ??= acquireDynamicProviderHost();
    return this.lease.then((l) => l.host);
  }

  async release(): Promise<void> {
    const lease = this.lease;
    this.lease = undefined;
    if (lease) (await lease.catch(() => undefined))?.release();
  }
}

async function deleteResources(
  doomed: StateResource[],
  state: EngineState,
  steps: Step[],
  hosts: HostLease,
  preview: boolean,
): Promise<void> {
  const protectedOnes = doomed.filter((r) => r.protect);
  if (protectedOnes.length > 0) {
    throw new EmulatedUpError(
      `refusing to delete protected resources (nothing was deleted): ${protectedOnes
        .map((r) => r.urn)
        .join(", ")}. Set \`protect: false\` and run up first, or \`pulumi state unprotect\`.`,
      state,
      steps,
    );
  }
  for (const r of deleteOrder(doomed)) {
    if (r.retainOnDelete) {
      steps.push({ op: "retain", urn: r.urn, type: r.type, name: r.name });
    } else {
      if (!preview && isDynamic(r)) {
        const host = await hosts.host();
        try {
          await host.delete(r.urn, r.id, r.outputs, r.inputs);
        } catch (error) {
          throw new EmulatedUpError(`${describe(r)}: ${messageOf(error)}`, state, steps);
        }
      }
      steps.push({ op: "delete", urn: r.urn, type: r.type, name: r.name });
    }
    if (state.resources[r.urn] === r) delete state.resources[r.urn];
    if (state.pendingDeletes) {
      state.pendingDeletes = state.pendingDeletes.filter((p) => p !== r);
      if (state.pendingDeletes.length === 0) delete state.pendingDeletes;
    }
  }
}

/**
 * Reads every dynamic resource (the engine's RefreshStep); a successful read clears init errors.
 * Like the engine, a failed read fails the refresh once the reads in flight have finished.
 */
async function refreshState(state: EngineState, hosts: HostLease): Promise<RefreshChange[]> {
  const changes: RefreshChange[] = [];
  const reads = await Promise.allSettled(
    Object.values(state.resources).map(async (r) => {
      if (!isDynamic(r)) return;
      const host = await hosts.host();
      let result: Awaited<ReturnType<DynamicProviderHost["read"]>>;
      try {
        result = await host.read(r.urn, r.id, r.outputs, r.inputs);
      } catch (error) {
        throw new Error(`refreshing ${describe(r)}: ${messageOf(error)}`);
      }
      if (!result.id) {
        delete state.resources[r.urn];
        changes.push({ urn: r.urn, kind: "gone", keys: [] });
        return;
      }
      const keys = changedKeys(r.outputs, result.properties);
      if (keys.length > 0) changes.push({ urn: r.urn, kind: "changed", keys });
      r.id = result.id;
      r.outputs = result.properties;
      r.secretKeys = r.secretKeys.filter((k) => k in result.properties);
      if (result.inputs) r.inputs = result.inputs;
      delete r.initErrors;
    }),
  );
  const failed = reads.find((read) => read.status === "rejected");
  if (failed) throw failed.reason;
  return changes;
}

interface Stepped {
  id: string;
  outputs: Props;
  secretKeys: string[];
}

/** Runs one emulated `pulumi up` (or, with `preview`, `pulumi preview`) of `options.program`. */
export async function emulatedUp(options: UpOptions): Promise<UpResult> {
  const project = options.project ?? PROJECT;
  const preview = options.preview ?? false;
  const prior = cloneState(options.state);
  const state = cloneState(options.state);
  const steps: Step[] = [];
  const hosts = new HostLease();
  try {
    const refreshed = options.refresh
      ? await refreshState(state, hosts).catch((error: unknown) => {
          throw new EmulatedUpError(messageOf(error), state, steps);
        })
      : [];
    const run = await runProgram(options, project, preview, state, steps, hosts);
    const removed = Object.values(state.resources).filter(
      (r) => !run.seen.has(r.urn) && prior.resources[r.urn],
    );
    try {
      await deleteResources(
        [...removed, ...run.replacedOld, ...(state.pendingDeletes ?? [])],
        state,
        steps,
        hosts,
        preview,
      );
    } catch (error) {
      if (error instanceof EmulatedUpError) throw error;
      throw new EmulatedUpError(messageOf(error), state, steps);
    }
    return {
      state: preview ? prior : state,
      steps,
      refreshed,
      resources: run.resources,
      outputs: run.outputs,
      maskedOutputs: run.maskedOutputs,
    };
  } catch (error) {
    if (preview && error instanceof EmulatedUpError) {
      throw new EmulatedUpError(error.message, prior, error.steps);
    }
    throw error;
  } finally {
    await hosts.release();
  }
}

/** Emulated `pulumi preview`: the steps an up would take, with nothing changed. */
export function emulatedPreview(options: Omit<UpOptions, "preview">): Promise<UpResult> {
  return emulatedUp({ ...options, preview: true });
}

async function runProgram(
  options: UpOptions,
  project: string,
  preview: boolean,
  state: EngineState,
  steps: Step[],
  hosts: HostLease,
) {
  const mocks = options.mocks ?? defaultMockOutputs;
  const replacedOld: StateResource[] = [];
  const seen = new Set<string>();

  const record = (
    r: RegisteredResource,
    id: string,
    inputs: Props,
    outputs: Props,
    extra: { initErrors?: string[]; keepSecret?: string[] } = {},
  ): StateResource => ({
    urn: r.urn,
    type: r.type,
    name: r.name,
    custom: r.custom,
    id,
    inputs,
    outputs,
    secretKeys: [
      ...new Set([
        ...secretOutputKeys(outputs, r.maskedInputs, r.additionalSecretOutputs),
        ...(extra.keepSecret ?? []).filter((k) => k in outputs),
      ]),
    ].sort(),
    ...(extra.initErrors && extra.initErrors.length > 0 ? { initErrors: extra.initErrors } : {}),
    protect: r.protect,
    retainOnDelete: r.retainOnDelete,
    parentUrn: r.parentUrn,
    dependencies: r.dependencies,
  });
  const stepped = (saved: StateResource): Stepped => ({
    id: saved.id,
    outputs: saved.outputs,
    secretKeys: saved.secretKeys,
  });
  /** What a preview hands the program: no state is saved, the id may be unknown (""). */
  const previewed = (r: RegisteredResource, id: string, outputs: Props): Stepped => ({
    id,
    outputs,
    secretKeys: secretOutputKeys(outputs, r.maskedInputs, r.additionalSecretOutputs),
  });

  const check = async (host: DynamicProviderHost, r: RegisteredResource, olds: Props) => {
    const checked = await host.check(r.urn, olds, r.inputs);
    if (checked.failures.length > 0) {
      throw new Error(
        `${describe(r)}: ${checked.failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`,
      );
    }
    return checked.inputs;
  };

  /** Create (or create-replacement): partial failure saves the resource with its init errors. */
  const create = async (
    host: DynamicProviderHost,
    r: RegisteredResource,
    inputs: Props,
    step: Step,
    replacing?: StateResource,
  ): Promise<Stepped> => {
    if (preview && !host.protocol.supportsPreview) {
      steps.push(step);
      return previewed(r, "", inputs);
    }
    let created: { id: string; properties: Props };
    try {
      created = await host.create(r.urn, inputs);
    } catch (error) {
      const failure = error instanceof ProviderCallError ? error.initFailure : undefined;
      if (failure) {
        state.resources[r.urn] = record(r, failure.id, inputs, failure.properties, {
          initErrors: failure.reasons,
        });
        if (replacing) state.pendingDeletes = [...(state.pendingDeletes ?? []), replacing];
      }
      throw new Error(`${describe(r)}: ${messageOf(error)}`);
    }
    if (!created.id) throw new Error(`plugin returned empty resource.ID from create '${r.urn}'`);
    state.resources[r.urn] = record(r, created.id, inputs, created.properties);
    steps.push(step);
    return stepped(state.resources[r.urn]!);
  };

  const stepDynamic = async (r: RegisteredResource): Promise<Stepped> => {
    const host = await hosts.host();
    const old = state.resources[r.urn];
    const info = { urn: r.urn, type: r.type, name: r.name };
    if (!old) {
      const inputs = await check(host, r, {});
      if (r.importId) {
        // What the real engine does: the dynamic provider host cannot load a provider for an
        // import (there is no `__provider` in the read request), pulumi/pulumi#16175.
        throw new Error(
          `${describe(r)}: Pulumi cannot import dynamic provider resources (pulumi/pulumi#16175); ` +
            "adopt the existing resource with the resource's own `adopt`/`name` input instead",
        );
      }
      return create(host, r, inputs, { op: "create", ...info });
    }

    const inputs = await check(host, r, old.inputs);
    const diff = await host.diff(r.urn, old.id, old.outputs, inputs, old.inputs);
    // DIFF_UNKNOWN: the engine compares old and new inputs itself (step_generator.go diffResource).
    const changed =
      diff.changes === "unknown" ? !deepEqual(old.inputs, inputs) : diff.changes === "some";
    const hasInitErrors = (old.initErrors ?? []).length > 0;

    if (changed && diff.replaces.length > 0) {
      if (r.protect && old.protect) {
        throw new Error(
          `${describe(r)} is protected and cannot be replaced (changes to ${diff.replaces.join(", ")})`,
        );
      }
      // A replacement is a new resource: the engine checks the inputs again without olds.
      const fresh = await check(host, r, {});
      const step: Step = { op: "replace", ...info, changes: diff.replaces };
      if (diff.deleteBeforeReplace) {
        if (!preview) {
          if (!old.retainOnDelete) await host.delete(old.urn, old.id, old.outputs, old.inputs);
          delete state.resources[r.urn];
        }
        return create(host, r, fresh, step);
      }
      replacedOld.push(old);
      return create(host, r, fresh, step, old);
    }

    if (changed || hasInitErrors) {
      const step: Step = {
        op: "update",
        ...info,
        changes: changed
          ? Object.keys(inputs).filter(
              (k) => k !== PROVIDER_KEY && !deepEqual(inputs[k], old.outputs[k]),
            )
          : [],
      };
      if (preview && !host.protocol.supportsPreview) {
        steps.push(step);
        return previewed(r, old.id, inputs);
      }
      let updated: { properties: Props };
      try {
        updated = await host.update(r.urn, old.id, old.outputs, inputs, old.inputs);
      } catch (error) {
        const failure = error instanceof ProviderCallError ? error.initFailure : undefined;
        if (failure) {
          // The engine keeps the id of the state and takes the error's properties (parseError).
          state.resources[r.urn] = record(r, old.id, inputs, failure.properties, {
            initErrors: failure.reasons,
          });
        }
        // Otherwise the old state stays as it was.
        throw new Error(`${describe(r)}: ${messageOf(error)}`);
      }
      state.resources[r.urn] = record(r, old.id, inputs, updated.properties);
      steps.push(step);
      return stepped(state.resources[r.urn]!);
    }

    // Same: the old id and outputs with the new inputs (step.go SameStep).
    steps.push({ op: "same", ...info });
    if (preview) return { id: old.id, outputs: old.outputs, secretKeys: old.secretKeys };
    state.resources[r.urn] = record(r, old.id, inputs, old.outputs, { keepSecret: old.secretKeys });
    return stepped(state.resources[r.urn]!);
  };

  const stepMocked = async (r: RegisteredResource): Promise<Stepped> => {
    const old = state.resources[r.urn];
    const info = { urn: r.urn, type: r.type, name: r.name };
    if (old && deepEqual(old.inputs, r.inputs)) {
      steps.push({ op: "same", ...info });
      if (!preview) {
        state.resources[r.urn] = record(r, old.id, r.inputs, old.outputs, {
          keepSecret: old.secretKeys,
        });
      }
      return { id: old.id, outputs: old.outputs, secretKeys: old.secretKeys };
    }
    if (!r.custom) {
      steps.push({ op: old ? "update" : "create", ...info });
      if (!preview) state.resources[r.urn] = record(r, "", r.inputs, {});
      return { id: "", outputs: {}, secretKeys: [] };
    }
    // A real provider's resource registered with an import id and no prior state is imported,
    // as the engine does: it reads the existing resource under that id and creates nothing.
    const imported = !old && r.importId !== "";
    const changes = old ? changedKeys(old.inputs, r.inputs) : undefined;
    steps.push({
      op: old ? "update" : imported ? "import" : "create",
      ...info,
      ...(changes ? { changes } : {}),
    });
    if (preview && !imported) {
      // A provider's preview knows the inputs; what it computes is unknown until it runs.
      return old
        ? previewed(r, old.id, { ...old.outputs, ...r.inputs })
        : previewed(r, "", r.inputs);
    }
    const mocked = await mocks(r);
    const id = old?.id ?? (imported ? r.importId : (mocked.id ?? `${r.name}-id`));
    const saved = record(r, id, r.inputs, mocked.outputs);
    if (!preview) state.resources[r.urn] = saved;
    return stepped(saved);
  };

  // A failed step must not reject the registration: the SDK would turn that into unhandled
  // rejections on every output. Like the engine, record the error, start no further steps (the
  // program still finishes declaring) and fail the run at the end.
  const errors: string[] = [];
  const run = await runUnderMocks({
    project,
    stack: options.stack,
    config: options.config,
    secretKeys: options.secretKeys,
    preview,
    ...(options.onCall ? { onCall: options.onCall } : {}),
    program: options.program,
    onResource: async (r) => {
      seen.add(r.urn);
      if (errors.length > 0) return { id: undefined, state: {} };
      try {
        const result = isDynamic(r) ? await stepDynamic(r) : await stepMocked(r);
        return r.custom
          ? { id: result.id || undefined, state: toMockState(result.outputs, result.secretKeys) }
          : { id: undefined, state: {} };
      } catch (error) {
        errors.push(messageOf(error));
        return { id: undefined, state: {} };
      }
    },
  }).catch((error: unknown) => {
    throw new EmulatedUpError(messageOf(error), state, steps);
  });
  if (errors.length > 0) throw new EmulatedUpError(errors.join("\n"), state, steps);
  return { ...run, seen, replacedOld };
}

/** Emulated `pulumi destroy`: deletes everything in `state`, dependents first. */
export async function emulatedDestroy(options: {
  state: EngineState;
  project?: string;
}): Promise<{ state: EngineState; steps: Step[] }> {
  const state = cloneState(options.state);
  const steps: Step[] = [];
  const hosts = new HostLease();
  try {
    await deleteResources(
      [...Object.values(state.resources), ...(state.pendingDeletes ?? [])],
      state,
      steps,
      hosts,
      false,
    );
  } finally {
    await hosts.release();
  }
  return { state, steps };
}

/** Steps that changed something (everything but `same`). */
export function changedSteps(steps: Step[]): Step[] {
  return steps.filter((s) => s.op !== "same");
}

/** Mocks for the non-dynamic resources of the real program: the plan's GCP/random mocks. */
export function cloudMocks(resource: RegisteredResource): {
  id?: string;
  outputs: Record<string, unknown>;
} {
  const mocked = mockCloudResource(resource);
  if (!mocked) return defaultMockOutputs(resource);
  return { ...(mocked.id !== undefined ? { id: mocked.id } : {}), outputs: mocked.state };
}

export interface UpStackOptions {
  /** Loads index.ts afresh. */
  program: () => Promise<Record<string, unknown>> | Record<string, unknown>;
  /** Real values for the stack's secrets (`gyana:<key>` → value). */
  secrets: Record<string, string>;
  /** Plain config overrides, `namespace:key` → value (JSON text for structured values). */
  overrides?: Record<string, string>;
  state?: EngineState;
  refresh?: boolean;
  /** `pulumi preview` instead of `pulumi up`. */
  preview?: boolean;
}

/** Emulated `pulumi up` (or preview) of the real program for a stack, with its `Pulumi.<stack>.yaml`. */
export async function upStack(stack: string, options: UpStackOptions): Promise<UpResult> {
  const file = readStackFile(stack, {
    secrets: options.secrets,
    ...(options.overrides ? { overrides: options.overrides } : {}),
  });
  return emulatedUp({
    project: PROJECT,
    stack,
    config: file.config,
    secretKeys: file.secretKeys,
    program: options.program,
    mocks: cloudMocks,
    ...(options.state ? { state: options.state } : {}),
    ...(options.refresh ? { refresh: true } : {}),
    ...(options.preview ? { preview: true } : {}),
  });
}

export { UNKNOWN };
