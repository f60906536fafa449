// Builds the arguments the policy framework hands a policy, by hand, so tests can call
// `validateResource`/`validateStack` directly and read back exactly what was reported. Values can
// be made "unknown" the way a preview delivers them, using the framework's own proxy.
import type {
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import * as proxyModule from "@pulumi/policy/proxy";

interface FrameworkProxy {
  unknownCheckingProxy<T extends object>(value: T): T;
  unknownStringValue: string;
  unknownObjectValue: string;
}
const framework = proxyModule as unknown as FrameworkProxy;

/** An input that is not known until `up`, as the framework represents it in a preview. */
export const UNKNOWN_STRING = framework.unknownStringValue;
export const UNKNOWN_OBJECT = framework.unknownObjectValue;

export const PROJECT = "gyana";

export function urnOf(stack: string, type: string, name: string): string {
  return `urn:pulumi:${stack}::${PROJECT}::${type}::${name}`;
}

export interface ResourceSpec {
  type: string;
  name: string;
  props: Record<string, unknown>;
  stack?: string;
  protect?: boolean;
  /** This policy's config, as `pulumi preview --policy-pack-config` would supply it. */
  config?: object;
}

function options(protect: boolean) {
  return {
    protect,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
  };
}

function notApplicable(reason?: string): never {
  throw new Error(`not applicable: ${reason ?? ""}`);
}

export function resourceArgs(spec: ResourceSpec): ResourceValidationArgs {
  const stack = spec.stack ?? "dev";
  return {
    type: spec.type,
    name: spec.name,
    urn: urnOf(stack, spec.type, spec.name),
    props: framework.unknownCheckingProxy({ ...spec.props }),
    opts: options(spec.protect ?? false),
    stackTags: new Map(),
    isType: () => false,
    asType: () => undefined,
    getConfig: <T extends object>() => (spec.config ?? {}) as T,
    notApplicable,
  };
}

/** Runs a resource policy the way the framework does and returns the messages it reported. */
export async function violationsOf(
  policy: ResourceValidationPolicy,
  spec: ResourceSpec,
): Promise<string[]> {
  const messages: string[] = [];
  const report: ReportViolation = (message) => {
    messages.push(message);
  };
  const validations = Array.isArray(policy.validateResource)
    ? policy.validateResource
    : policy.validateResource
      ? [policy.validateResource]
      : [];
  for (const validate of validations) {
    await validate(resourceArgs(spec), report);
  }
  return messages;
}

export function stackResource(spec: ResourceSpec): PolicyResource {
  const stack = spec.stack ?? "dev";
  return {
    type: spec.type,
    name: spec.name,
    urn: urnOf(stack, spec.type, spec.name),
    props: framework.unknownCheckingProxy({ ...spec.props }),
    opts: options(spec.protect ?? false),
    dependencies: [],
    propertyDependencies: {},
    isType: () => false,
    asType: () => undefined,
  };
}

/** Runs a stack policy over the resources and returns each reported message with its URN. */
export async function stackViolationsOf(
  policy: StackValidationPolicy,
  resources: ResourceSpec[],
  config: object = {},
): Promise<{ message: string; urn: string | undefined }[]> {
  const reported: { message: string; urn: string | undefined }[] = [];
  const args: StackValidationArgs = {
    resources: resources.map(stackResource),
    stackTags: new Map(),
    getConfig: <T extends object>() => config as T,
    notApplicable,
  };
  await policy.validateStack(args, (message, urn) => {
    reported.push({ message, urn });
  });
  return reported;
}
