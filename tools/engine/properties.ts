// Property values as the emulated engine keeps them: plain JSON-like values (secrets unwrapped, as
// in decrypted state), compared the way the engine compares property maps, with secretness kept
// beside them by top-level key.
import { SECRET_PLACEHOLDER } from "../mockRuntime";

export type Props = Record<string, unknown>;

/** The key under which a dynamic resource carries its serialized provider. */
export const PROVIDER_KEY = "__provider";

/** Deep equality where a missing key equals an `undefined` one (property maps have neither). */
export function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") {
    const record = value as Props;
    return Object.fromEntries(
      Object.keys(record)
        .sort()
        .filter((k) => record[k] !== undefined)
        .map((k) => [k, canonical(record[k])]),
    );
  }
  return value;
}

/** Top-level keys whose values differ, `__provider` aside (what a preview shows as changed). */
export function changedKeys(olds: Props, news: Props): string[] {
  return [...new Set([...Object.keys(olds), ...Object.keys(news)])]
    .filter((k) => k !== PROVIDER_KEY && !deepEqual(olds[k], news[k]))
    .sort();
}

/** True when a masked value (secrets as `[secret]`) holds a secret anywhere inside. */
export function containsSecret(masked: unknown): boolean {
  if (masked === SECRET_PLACEHOLDER) return true;
  if (Array.isArray(masked)) return masked.some(containsSecret);
  if (masked && typeof masked === "object") return Object.values(masked).some(containsSecret);
  return false;
}

/**
 * The top-level output keys the engine stores as secrets: those whose input of the same name held
 * a secret (provider_plugin.go `annotateSecrets`, applied because the dynamic provider host does
 * not accept secrets) and those listed in `additionalSecretOutputs` (step_executor.go), each only
 * when the output has it. The Node SDK lifts any nested secret to the top-level output anyway
 * (runtime/rpc.js `deserializeProperty`), so top-level keys are what a program can observe.
 */
export function secretOutputKeys(
  outputs: Props,
  maskedInputs: Props,
  additionalSecretOutputs: readonly string[],
): string[] {
  const fromInputs = Object.keys(maskedInputs).filter((k) => containsSecret(maskedInputs[k]));
  return [...new Set([...fromInputs, ...additionalSecretOutputs])]
    .filter((k) => k !== "id" && Object.prototype.hasOwnProperty.call(outputs, k))
    .sort();
}

export function withoutProvider(values: Props): Props {
  const { [PROVIDER_KEY]: _drop, ...rest } = values;
  return rest;
}
