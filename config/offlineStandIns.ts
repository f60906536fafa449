// The offline plan runs the program with no secrets: it stands a fixed value in for each one and
// registers which keys it stood in for. Only such a registered key is skipped by the checks: a
// real `pulumi up` runs in the Pulumi CLI's own process, where nothing registers, so a plain
// value that merely equals the stand-in is checked like any other (it could otherwise make
// SECRET_KEY a public constant).

/** The value the offline plan gives a secret it cannot decrypt; masked like any secret. */
export const SECRET_STAND_IN = "<stand-in for a secret in the offline plan>";

// On globalThis, not in this module: the plan reloads the program's modules for every run.
const REGISTRY = Symbol.for("gyana-infra.offlinePlanStandIns");
type Holder = { [REGISTRY]?: ReadonlySet<string> };

/** Runs `run` with `keys` registered as stood in for; the registry is cleared after. */
export async function withOfflineStandIns<T>(
  keys: readonly string[],
  run: () => Promise<T>,
): Promise<T> {
  const holder = globalThis as Holder;
  const previous = holder[REGISTRY];
  holder[REGISTRY] = new Set(keys);
  try {
    return await run();
  } finally {
    holder[REGISTRY] = previous;
  }
}

/** True only inside an offline plan that stood in for `key`, and only for the stand-in value. */
export function isOfflineStandIn(key: string, value: string | undefined): boolean {
  return value === SECRET_STAND_IN && ((globalThis as Holder)[REGISTRY]?.has(key) ?? false);
}
