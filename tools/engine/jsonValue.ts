// A deep copy of the engine's plain values (state, resource properties) as a JSON round trip
// would give it, without turning every provider's code (`__provider`, tens of KB per resource)
// into an escaped JSON string and back.

/**
 * What `JSON.parse(JSON.stringify(value))` gives for plain data: undefined keys dropped, undefined
 * in a list as null.
 */
export function jsonValue(value: unknown): unknown {
  if (Array.isArray(value))
    return value.map((item) => (item === undefined ? null : jsonValue(item)));
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item !== undefined) out[key] = jsonValue(item);
  }
  return out;
}
