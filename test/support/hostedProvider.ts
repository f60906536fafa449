// Loads dynamic providers the way Pulumi's dynamic provider host does
// (`requireFromString(props.__provider).handler()`, then `configure`), so tests exercise the
// serialized closure that lands in state, never the live object; and, where the host's own
// behaviour matters (errors, secrets, unknowns), calls them through that real host (`throughHost`).
import type * as pulumi from "@pulumi/pulumi";
import {
  acquireDynamicProviderHost,
  type CheckResult,
  type DiffResult,
  type DynamicProviderHost,
} from "../../tools/engine/dynamicProviderHost";
import { runUnderMocks, type RegisteredResource } from "../../tools/mockRuntime";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const requireFromString = require("require-from-string") as (code: string) => {
  handler(): pulumi.dynamic.ResourceProvider;
};

export function loadHostedProvider(serialized: string): pulumi.dynamic.ResourceProvider {
  return requireFromString(serialized).handler();
}

export interface SerializedResource {
  resource: RegisteredResource;
  /** The `__provider` string exactly as it would be stored in state. */
  serialized: string;
  provider: pulumi.dynamic.ResourceProvider;
  /** The inputs the provider receives, without `__provider`. */
  inputs: Record<string, unknown>;
}

/**
 * Declares resources under mocks and returns, per resource name, its serialized provider loaded
 * as the host loads it, with the inputs the engine would pass to `check`/`create`.
 */
export async function declareAndLoad(
  declare: () => void,
): Promise<Map<string, SerializedResource>> {
  const { resources } = await runUnderMocks({
    project: "gyana",
    stack: "test",
    config: {},
    secretKeys: [],
    program: () => {
      declare();
      return {};
    },
  });
  const loaded = new Map<string, SerializedResource>();
  for (const resource of resources) {
    const serialized = resource.inputs["__provider"];
    if (typeof serialized !== "string") continue;
    const { __provider: _drop, ...inputs } = resource.inputs;
    loaded.set(resource.name, {
      resource,
      serialized,
      provider: loadHostedProvider(serialized),
      inputs,
    });
  }
  return loaded;
}

/**
 * The provider's methods called through Pulumi's real dynamic provider host over gRPC, the way
 * the engine calls them (tools/engine/dynamicProviderHost.ts): values cross as protobuf Structs,
 * `__provider` travels with them, and a thrown error arrives as the engine sees it (a
 * `ProviderCallError` with the message it shows and, for an error with an `id`, the partial
 * failure it would save). For error paths, secrets and unknowns; the in-process `provider`
 * stays the cheap way for the rest.
 */
export interface ThroughHost {
  check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<CheckResult>;
  diff(
    id: string,
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ): Promise<DiffResult>;
  create(inputs: Record<string, unknown>): Promise<{ id: string; outs: Record<string, unknown> }>;
  read(
    id: string,
    props: Record<string, unknown>,
  ): Promise<{ id: string; props: Record<string, unknown>; inputs?: Record<string, unknown> }>;
  update(
    id: string,
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ): Promise<{ outs: Record<string, unknown> }>;
  delete(id: string, props: Record<string, unknown>): Promise<void>;
}

export function throughHost(
  loaded: Pick<SerializedResource, "serialized"> & { resource: { urn: string } },
): ThroughHost {
  const { urn } = loaded.resource;
  const withProvider = (values: Record<string, unknown>) => ({
    ...values,
    __provider: loaded.serialized,
  });
  const plain = (values: Record<string, unknown>) => {
    const { __provider: _drop, ...rest } = values;
    return rest;
  };
  const run = async <T>(call: (host: DynamicProviderHost) => Promise<T>): Promise<T> => {
    const { host, release } = await acquireDynamicProviderHost();
    try {
      return await call(host);
    } finally {
      release();
    }
  };
  return {
    check: (olds, news) =>
      run(async (h) => {
        const checked = await h.check(urn, olds, withProvider(news));
        return { inputs: plain(checked.inputs), failures: checked.failures };
      }),
    diff: (id, olds, news) =>
      run((h) => h.diff(urn, id, withProvider(olds), withProvider(news), withProvider(olds))),
    create: (inputs) =>
      run(async (h) => {
        const created = await h.create(urn, withProvider(inputs));
        return { id: created.id, outs: plain(created.properties) };
      }),
    read: (id, props) =>
      run(async (h) => {
        const read = await h.read(urn, id, withProvider(props), withProvider(props));
        return {
          id: read.id,
          props: plain(read.properties),
          ...(read.inputs ? { inputs: plain(read.inputs) } : {}),
        };
      }),
    update: (id, olds, news) =>
      run(async (h) => {
        const updated = await h.update(urn, id, withProvider(olds), withProvider(news), olds);
        return { outs: plain(updated.properties) };
      }),
    delete: (id, props) => run((h) => h.delete(urn, id, withProvider(props), props)),
  };
}
