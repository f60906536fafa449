// Loads dynamic providers the way Pulumi's dynamic provider host does
// (`requireFromString(props.__provider).handler()`, then `configure`), so tests exercise the
// serialized closure that lands in state, never the live object.
import type * as pulumi from "@pulumi/pulumi";
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
    project: "gyana-infra",
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
