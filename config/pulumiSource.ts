// The stack config as the Pulumi CLI hands it to the program.
import * as pulumi from "@pulumi/pulumi";
import type { ConfigSource } from "./source";
import { isOfflineStandIn } from "./offlineStandIns";

// `isConfigSecret` is exported at runtime but marked internal in the typings.
const runtime = pulumi.runtime as typeof pulumi.runtime & {
  isConfigSecret?: (key: string) => boolean;
};

export function pulumiConfigSource(): ConfigSource {
  const all = (): Record<string, string> => pulumi.runtime.allConfig();
  return {
    get: (key) => all()[key],
    isSecret: (key) => runtime.isConfigSecret?.(key) ?? false,
    keys: () => Object.keys(all()),
    isStandIn: (key) => isOfflineStandIn(key, all()[key]),
  };
}
