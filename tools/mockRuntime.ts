// Runs a Pulumi program under Pulumi's mocks and records every resource registration exactly as
// the engine would receive it: with its type token, parent, options and inputs, where values the
// program marked secret are still marked (the stock mocks unwrap them before user code sees them).
import * as pulumi from "@pulumi/pulumi";

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export const SECRET_PLACEHOLDER = "[secret]";
export const UNKNOWN_PLACEHOLDER = "[unknown]";

/** One resource registration as the program declared it. */
export interface RegisteredResource {
  type: string;
  name: string;
  urn: string;
  /** URN of the parent, or null for resources directly under the stack. */
  parentUrn: string | null;
  custom: boolean;
  /** Inputs with secrets unwrapped: what a provider receives. */
  inputs: Record<string, unknown>;
  /** Inputs with every secret value replaced by `[secret]`: what a preview may show. */
  maskedInputs: Record<string, unknown>;
  protect: boolean;
  retainOnDelete: boolean;
  importId: string;
  /** URNs this resource depends on (explicit and through inputs). */
  dependencies: string[];
  /** Output keys the engine stores as secrets whatever the provider returns. */
  additionalSecretOutputs: string[];
}

/** What a mock returns for a registered resource: its id and output state. */
export interface MockResult {
  id: string | undefined;
  state: Record<string, unknown>;
}

export type ResourceHandler = (resource: RegisteredResource) => MockResult | Promise<MockResult>;

export interface MockRunOptions {
  project: string;
  stack: string;
  /** Stack config as `namespace:key` → string (structured values already JSON-encoded). */
  config: Record<string, string>;
  /** Config keys (`namespace:key`) whose values are secrets. */
  secretKeys: string[];
  /** Decides each resource's id and outputs. Defaults to echoing the inputs. */
  onResource?: ResourceHandler;
  /** Answers provider function calls (`getProject`, ...). Defaults to echoing the arguments. */
  onCall?: (token: string, args: Record<string, unknown>) => Record<string, unknown>;
  /**
   * Run as a preview: outputs a mock leaves out are unknown, as they are in `pulumi preview`
   * before a provider has created the resource. Default false (an `up`).
   */
  preview?: boolean;
  /** Runs the program and returns its module exports (the stack outputs). */
  program: () => Promise<Record<string, unknown>> | Record<string, unknown>;
}

export interface MockRunResult {
  resources: RegisteredResource[];
  /** Stack outputs with secrets unwrapped. */
  outputs: Record<string, unknown>;
  /** Stack outputs with secret values replaced by `[secret]`. */
  maskedOutputs: Record<string, unknown>;
}

/** Replaces every secret inside a serialized property value by `[secret]`. */
export function maskSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (value === UNKNOWN_VALUE) return UNKNOWN_PLACEHOLDER;
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (record[SIG_KEY] === SECRET_SIG) return SECRET_PLACEHOLDER;
    if (record[SIG_KEY] === RESOURCE_SIG) return record["urn"];
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, maskSecrets(v)]));
  }
  return value;
}

/** Removes secret wrappers, keeping the values (what a provider receives). */
export function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (record[SIG_KEY] === SECRET_SIG) return unwrapSecrets(record["value"]);
    if (record[SIG_KEY] === RESOURCE_SIG) return record["urn"];
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, unwrapSecrets(v)]));
  }
  return value;
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
  getProtect(): boolean | undefined;
  getRetainondelete(): boolean | undefined;
  getImportid(): string;
  getDependenciesList(): string[];
  getAdditionalsecretoutputsList(): string[];
}

type Callback = (err: unknown, response: unknown) => void;

interface MonitorLike {
  registerResource(req: RegisterRequest, callback: Callback): Promise<void>;
  newUrn(parent: string, type: string, name: string): string;
}

function monitorOf(): MonitorLike {
  // The mock monitor is only reachable through the runtime's settings module.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const settings = require("@pulumi/pulumi/runtime/settings") as { getMonitor(): MonitorLike };
  return settings.getMonitor();
}

function waitForRpcs(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };
  return settings.waitForRPCs();
}

async function resolveOutput(value: unknown): Promise<{ value: unknown; masked: unknown }> {
  if (pulumi.Output.isInstance(value)) {
    const output = value as pulumi.Output<unknown>;
    // Internal, but the only way to tell an unknown from a pending value: apply never runs on
    // an unknown during a preview.
    const known = await (output as unknown as { isKnown: Promise<boolean> }).isKnown;
    if (!known) return { value: UNKNOWN_PLACEHOLDER, masked: UNKNOWN_PLACEHOLDER };
    const [resolved, secret] = await Promise.all([
      new Promise<unknown>((resolve) => output.apply((v) => resolve(v))),
      pulumi.isSecret(output),
    ]);
    const inner = await resolveOutput(resolved);
    return { value: inner.value, masked: secret ? SECRET_PLACEHOLDER : inner.masked };
  }
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const values: [string, unknown][] = [];
    const masked: [string, unknown][] = [];
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const inner = await resolveOutput(v);
      values.push([k, inner.value]);
      masked.push([k, inner.masked]);
    }
    return { value: Object.fromEntries(values), masked: Object.fromEntries(masked) };
  }
  const plain = await value;
  return { value: plain, masked: plain };
}

/**
 * Sets mocks and config, runs the program, waits for every registration and returns what was
 * registered. Each call starts from a fresh mock monitor; the caller reloads the program's
 * modules (a fresh `require` or `vi.resetModules`) so that it reads the new config.
 */
export async function runUnderMocks(options: MockRunOptions): Promise<MockRunResult> {
  const resources: RegisteredResource[] = [];
  const registered = new Set<string>();
  const duplicates: string[] = [];
  const onResource: ResourceHandler =
    options.onResource ?? ((r) => ({ id: `${r.name}-id`, state: r.inputs }));
  let pending: RegisteredResource | undefined;

  await pulumi.runtime.setMocks(
    {
      newResource: async () => {
        if (!pending) throw new Error("mock registration without a recorded request");
        const record = pending;
        pending = undefined;
        // After a refused registration the engine starts no further step.
        if (duplicates.length > 0) return { id: undefined, state: {} };
        return onResource(record);
      },
      call: (args) => (options.onCall ?? ((_t, a) => a))(args.token, args.inputs),
    },
    options.project,
    options.stack,
    options.preview ?? false,
  );
  pulumi.runtime.setAllConfig(options.config, options.secretKeys);

  const monitor = monitorOf();
  const original = monitor.registerResource.bind(monitor);
  // The stock mock monitor deserializes inputs (dropping secret markers) and then awaits
  // newResource; recording here, synchronously before that, keeps request and record paired.
  monitor.registerResource = async (req, callback) => {
    const raw = req.getObject()?.toJavaScript() ?? {};
    const parent = req.getParent();
    const record: RegisteredResource = {
      type: req.getType(),
      name: req.getName(),
      urn: monitor.newUrn(parent, req.getType(), req.getName()),
      parentUrn: parent || null,
      custom: req.getCustom(),
      inputs: unwrapSecrets(raw) as Record<string, unknown>,
      maskedInputs: maskSecrets(raw) as Record<string, unknown>,
      protect: req.getProtect() ?? false,
      retainOnDelete: req.getRetainondelete() ?? false,
      importId: req.getImportid(),
      dependencies: req.getDependenciesList(),
      additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
    };
    if (registered.has(record.urn)) {
      // The engine's refusal, word for word (pulumi/pulumi sdk/go/common/diag/errors.go
      // GetDuplicateResourceURNError, raised by step_generator.go generateURN, which bails: no
      // further step starts). The run fails with it once the program is done; the registration
      // itself is answered (with nothing), so the SDK raises no unhandled rejections meanwhile.
      duplicates.push(`Duplicate resource URN '${record.urn}'; try giving it a unique name`);
    } else {
      registered.add(record.urn);
      resources.push(record);
    }
    pending = record;
    return original(req, callback);
  };

  const outputs: Record<string, unknown> = {};
  const maskedOutputs: Record<string, unknown> = {};
  let failure: { error: unknown } | undefined;
  try {
    const exportsOfProgram = await options.program();
    for (const [key, value] of Object.entries(exportsOfProgram)) {
      if (key === "__esModule" || typeof value === "function") continue;
      const resolved = await resolveOutput(value);
      outputs[key] = resolved.value;
      maskedOutputs[key] = resolved.masked;
    }
    await waitForRpcs();
  } catch (error) {
    failure = { error };
  }
  // A refused registration is the cause of whatever failed after it (its outputs reject).
  if (duplicates.length > 0) throw new Error(duplicates.join("\n"));
  if (failure) throw failure.error;
  return { resources, outputs, maskedOutputs };
}
