// A small stand-in for the Pulumi engine, so that `pulumi up` of the real program can run here
// without the Pulumi CLI: the program runs under Pulumi's mocks (tools/mockRuntime.ts) and each
// registration is stepped the way the engine steps it. Every dynamic resource
// (`pulumi-nodejs:dynamic/...`) is executed by its *serialized* provider, loaded from
// `__provider` exactly as Pulumi's dynamic provider host loads it, against whatever API its
// environment points at (the emulators in tests). Other custom resources (GCP, random) get
// outputs from a mock function and keep them between runs, like state does.
//
// What it models, per registration: check → no prior state: create (or import, for a
// non-dynamic resource with an `import` id; a dynamic one with an import id fails as in Pulumi) |
// prior state: diff → update, replace (create-then-delete, or delete-then-create when the
// provider asks for deleteBeforeReplace) or same (old outputs kept). After the program: delete
// what the prior state has and the program no longer declares, dependents first; a protected
// resource makes the whole deletion fail before anything is deleted; a retainOnDelete one is
// dropped from state without a delete call. `refresh` reads every dynamic resource first.
import * as pulumi from "@pulumi/pulumi";
import { mockCloudResource } from "./gcpMocks";
import { runUnderMocks, type RegisteredResource } from "./mockRuntime";
import { PROJECT, readStackFile } from "./stackFile";

const DYNAMIC_PREFIX = "pulumi-nodejs:dynamic/";
const PROVIDER_KEY = "__provider";
const SECRET_PLACEHOLDER = "[secret]";

/** One resource as the emulated engine keeps it between runs (plain values, like decrypted state). */
export interface StateResource {
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  id: string;
  /** Checked inputs, secrets unwrapped, without `__provider`. */
  inputs: Record<string, unknown>;
  /** Outputs, secrets unwrapped, without `__provider`. */
  outputs: Record<string, unknown>;
  /** Top-level input keys that held a secret (their outputs are secret too, as in the engine). */
  secretKeys: string[];
  /** The serialized dynamic provider, for dynamic resources. */
  provider?: string;
  protect: boolean;
  retainOnDelete: boolean;
  parentUrn: string | null;
  dependencies: string[];
}

/** The emulated stack state: resources keyed by URN. JSON-serializable. */
export interface EngineState {
  resources: Record<string, StateResource>;
}

export type StepOp = "create" | "update" | "replace" | "same" | "delete" | "import" | "retain";

export interface Step {
  op: StepOp;
  urn: string;
  type: string;
  name: string;
  /** For update and replace: the properties the provider reported as changed. */
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
  /** Outputs for non-dynamic custom resources; defaults to {@link defaultMockOutputs}. */
  mocks?: MockOutputs;
  onCall?: (token: string, args: Record<string, unknown>) => Record<string, unknown>;
}

export interface UpResult {
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

type Provider = pulumi.dynamic.ResourceProvider;

const providerCache = new Map<string, Provider>();

/** Loads a serialized provider as the dynamic provider host does: require it, then configure. */
export async function loadProvider(serialized: string, project: string): Promise<Provider> {
  const cached = providerCache.get(serialized);
  if (cached) return cached;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const requireFromString = require("require-from-string") as (code: string) => {
    handler(): Provider;
  };
  const provider = requireFromString(serialized).handler();
  if (provider.configure) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Config } = require("@pulumi/pulumi/cmd/dynamic-provider/config") as {
      Config: new (raw: Record<string, string>, project: string) => pulumi.dynamic.Config;
    };
    await provider.configure({ config: new Config({}, project) });
  }
  providerCache.set(serialized, provider);
  return provider;
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

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value as Record<string, unknown>)
        .sort()
        .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

function containsSecret(masked: unknown): boolean {
  if (masked === SECRET_PLACEHOLDER) return true;
  if (Array.isArray(masked)) return masked.some(containsSecret);
  if (masked && typeof masked === "object") return Object.values(masked).some(containsSecret);
  return false;
}

function withoutProvider(values: Record<string, unknown>): Record<string, unknown> {
  const { [PROVIDER_KEY]: _drop, ...rest } = values;
  return rest;
}

/** Outputs as the SDK should see them: outputs of secret inputs stay secret (engine behaviour). */
function toMockState(
  outputs: Record<string, unknown>,
  secretKeys: string[],
): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(outputs).map(([k, v]) => [k, secretKeys.includes(k) ? pulumi.secret(v) : v]),
  );
}

function cloneState(state: EngineState | undefined): EngineState {
  return state
    ? (JSON.parse(JSON.stringify(state)) as EngineState)
    : { resources: {} as Record<string, StateResource> };
}

function describe(resource: { type: string; name: string }): string {
  return `${resource.type} "${resource.name}"`;
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

async function deleteResources(
  doomed: StateResource[],
  state: EngineState,
  steps: Step[],
  project: string,
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
      if (r.provider) {
        const provider = await loadProvider(r.provider, project);
        await provider.delete?.(r.id, { ...r.outputs, [PROVIDER_KEY]: r.provider });
      }
      steps.push({ op: "delete", urn: r.urn, type: r.type, name: r.name });
    }
    if (state.resources[r.urn] === r) delete state.resources[r.urn];
  }
}

async function refreshState(state: EngineState, project: string): Promise<RefreshChange[]> {
  const changes: RefreshChange[] = [];
  await Promise.all(
    Object.values(state.resources).map(async (r) => {
      if (!r.provider) return;
      const provider = await loadProvider(r.provider, project);
      if (!provider.read) return;
      const result = await provider.read(r.id, { ...r.outputs, [PROVIDER_KEY]: r.provider });
      if (!result.id) {
        delete state.resources[r.urn];
        changes.push({ urn: r.urn, kind: "gone", keys: [] });
        return;
      }
      const outputs = withoutProvider((result.props ?? {}) as Record<string, unknown>);
      const keys = [...new Set([...Object.keys(outputs), ...Object.keys(r.outputs)])].filter(
        (k) => !deepEqual(outputs[k], r.outputs[k]),
      );
      if (keys.length > 0) changes.push({ urn: r.urn, kind: "changed", keys });
      r.id = result.id;
      r.outputs = outputs;
      if (result.inputs) r.inputs = withoutProvider(result.inputs as Record<string, unknown>);
    }),
  );
  return changes;
}

/** Runs one emulated `pulumi up` of `options.program` and returns the new state and the steps. */
export async function emulatedUp(options: UpOptions): Promise<UpResult> {
  const project = options.project ?? "gyana-infra";
  const prior = cloneState(options.state);
  const state = cloneState(options.state);
  const steps: Step[] = [];
  const refreshed = options.refresh ? await refreshState(state, project) : [];
  const mocks = options.mocks ?? defaultMockOutputs;
  const replacedOld: StateResource[] = [];
  const seen = new Set<string>();

  const stepDynamic = async (
    r: RegisteredResource,
    secretKeys: string[],
  ): Promise<{ id: string; outputs: Record<string, unknown> }> => {
    const serialized = r.inputs[PROVIDER_KEY] as string;
    const provider = await loadProvider(serialized, project);
    const news = withoutProvider(r.inputs);
    const old = state.resources[r.urn];
    const checked = provider.check
      ? await provider.check(old ? { ...old.inputs, [PROVIDER_KEY]: old.provider } : {}, {
          ...news,
          [PROVIDER_KEY]: serialized,
        })
      : { inputs: news };
    if (checked.failures && checked.failures.length > 0) {
      throw new Error(
        `${describe(r)}: ${checked.failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`,
      );
    }
    const inputs = withoutProvider((checked.inputs ?? news) as Record<string, unknown>);
    const withProvider = { ...inputs, [PROVIDER_KEY]: serialized };
    const record = (id: string, outputs: Record<string, unknown>): StateResource => ({
      urn: r.urn,
      type: r.type,
      name: r.name,
      custom: true,
      id,
      inputs,
      outputs: withoutProvider(outputs),
      secretKeys,
      provider: serialized,
      protect: r.protect,
      retainOnDelete: r.retainOnDelete,
      parentUrn: r.parentUrn,
      dependencies: r.dependencies,
    });

    if (!old) {
      if (r.importId) {
        // What the real engine does: the dynamic provider host cannot load a provider for an
        // import (there is no `__provider` in the read request), pulumi/pulumi#16175.
        throw new Error(
          `${describe(r)}: Pulumi cannot import dynamic provider resources (pulumi/pulumi#16175); ` +
            "adopt the existing resource with the resource's own `adopt`/`name` input instead",
        );
      }
      const created = await provider.create(withProvider);
      state.resources[r.urn] = record(created.id, (created.outs ?? {}) as Record<string, unknown>);
      steps.push({ op: "create", urn: r.urn, type: r.type, name: r.name });
      return { id: created.id, outputs: state.resources[r.urn]!.outputs };
    }

    const olds = { ...old.outputs, [PROVIDER_KEY]: old.provider };
    const diff = provider.diff ? await provider.diff(old.id, olds, withProvider) : {};
    const changed =
      diff.changes === undefined ? !deepEqual(old.inputs, inputs) : diff.changes === true;
    if (!changed) {
      state.resources[r.urn] = { ...record(old.id, old.outputs) };
      steps.push({ op: "same", urn: r.urn, type: r.type, name: r.name });
      return { id: old.id, outputs: old.outputs };
    }
    const replaces = diff.replaces ?? [];
    if (replaces.length > 0) {
      if (old.protect) {
        throw new Error(
          `${describe(r)} is protected and cannot be replaced (changes to ${replaces.join(", ")})`,
        );
      }
      if (diff.deleteBeforeReplace) {
        if (!old.retainOnDelete) await provider.delete?.(old.id, olds);
        delete state.resources[r.urn];
      } else {
        replacedOld.push(old);
      }
      const created = await provider.create(withProvider);
      state.resources[r.urn] = record(created.id, (created.outs ?? {}) as Record<string, unknown>);
      steps.push({ op: "replace", urn: r.urn, type: r.type, name: r.name, changes: replaces });
      return { id: created.id, outputs: state.resources[r.urn]!.outputs };
    }
    const updated = provider.update ? await provider.update(old.id, olds, withProvider) : {};
    state.resources[r.urn] = record(
      old.id,
      (updated.outs ?? { ...old.outputs, ...inputs }) as Record<string, unknown>,
    );
    steps.push({
      op: "update",
      urn: r.urn,
      type: r.type,
      name: r.name,
      changes: Object.keys(inputs).filter((k) => !deepEqual(inputs[k], old.outputs[k])),
    });
    return { id: old.id, outputs: state.resources[r.urn]!.outputs };
  };

  const stepMocked = async (
    r: RegisteredResource,
    secretKeys: string[],
  ): Promise<{ id: string; outputs: Record<string, unknown> }> => {
    const old = state.resources[r.urn];
    const base = {
      urn: r.urn,
      type: r.type,
      name: r.name,
      custom: r.custom,
      inputs: r.inputs,
      secretKeys,
      protect: r.protect,
      retainOnDelete: r.retainOnDelete,
      parentUrn: r.parentUrn,
      dependencies: r.dependencies,
    };
    if (old && deepEqual(old.inputs, r.inputs)) {
      state.resources[r.urn] = { ...base, id: old.id, outputs: old.outputs };
      steps.push({ op: "same", urn: r.urn, type: r.type, name: r.name });
      return { id: old.id, outputs: old.outputs };
    }
    if (!r.custom) {
      state.resources[r.urn] = { ...base, id: "", outputs: {} };
      steps.push({ op: old ? "update" : "create", urn: r.urn, type: r.type, name: r.name });
      return { id: "", outputs: {} };
    }
    const mocked = await mocks(r);
    // A real provider's resource registered with an import id and no prior state is imported,
    // as the engine does: it reads the existing resource under that id and creates nothing.
    const imported = !old && r.custom && r.importId !== "";
    const id = old?.id ?? (imported ? r.importId : (mocked.id ?? `${r.name}-id`));
    state.resources[r.urn] = { ...base, id, outputs: mocked.outputs };
    steps.push({
      op: old ? "update" : imported ? "import" : "create",
      urn: r.urn,
      type: r.type,
      name: r.name,
      ...(old
        ? {
            changes: [...new Set([...Object.keys(r.inputs), ...Object.keys(old.inputs)])].filter(
              (k) => !deepEqual(r.inputs[k], old.inputs[k]),
            ),
          }
        : {}),
    });
    return { id, outputs: mocked.outputs };
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
    ...(options.onCall ? { onCall: options.onCall } : {}),
    program: options.program,
    onResource: async (r) => {
      seen.add(r.urn);
      if (errors.length > 0) return { id: undefined, state: {} };
      const secretKeys = Object.keys(r.maskedInputs).filter((k) =>
        containsSecret(r.maskedInputs[k]),
      );
      try {
        if (r.type.startsWith(DYNAMIC_PREFIX)) {
          const { id, outputs } = await stepDynamic(r, secretKeys);
          return { id, state: toMockState(outputs, secretKeys) };
        }
        const { id, outputs } = await stepMocked(r, secretKeys);
        return r.custom
          ? { id, state: toMockState(outputs, secretKeys) }
          : { id: undefined, state: {} };
      } catch (error) {
        errors.push(error instanceof Error ? error.message : String(error));
        return { id: undefined, state: {} };
      }
    },
  }).catch((error: unknown) => {
    throw new EmulatedUpError(error instanceof Error ? error.message : String(error), state, steps);
  });
  if (errors.length > 0) throw new EmulatedUpError(errors.join("\n"), state, steps);

  const removed = Object.values(state.resources).filter(
    (r) => !seen.has(r.urn) && prior.resources[r.urn],
  );
  try {
    await deleteResources([...removed, ...replacedOld], state, steps, project);
  } catch (error) {
    if (error instanceof EmulatedUpError) throw error;
    throw new EmulatedUpError(error instanceof Error ? error.message : String(error), state, steps);
  }
  return {
    state,
    steps,
    refreshed,
    resources: run.resources,
    outputs: run.outputs,
    maskedOutputs: run.maskedOutputs,
  };
}

/** Emulated `pulumi destroy`: deletes everything in `state`, dependents first. */
export async function emulatedDestroy(options: {
  state: EngineState;
  project?: string;
}): Promise<{ state: EngineState; steps: Step[] }> {
  const state = cloneState(options.state);
  const steps: Step[] = [];
  await deleteResources(
    Object.values(state.resources),
    state,
    steps,
    options.project ?? "gyana-infra",
  );
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
}

/** Emulated `pulumi up` of the real program for a stack, with its `Pulumi.<stack>.yaml`. */
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
  });
}
