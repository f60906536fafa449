// The exit codes of every operator command (plan, drift, e2e, bench, release, rollback), one
// table for all of them; docs/commands.md is its documentation. A script or a CI step can tell a
// usage mistake from a real "no" (drift found, config refused) and from "could not find out".
export const EXIT = {
  /** The command did what was asked: plan printed, no drift, release done, `--help`. */
  OK: 0,
  /**
   * It ran and the answer is no: the stack config has problems, drift was found, a test stack
   * failed, a release or rollback was refused or failed (its message says what changed).
   */
  FAILED: 1,
  /** Bad arguments: unknown flag, missing or extra argument, unknown stack. Nothing ran. */
  USAGE: 2,
  /** It could not reach a verdict: a tool is missing (the pulumi CLI) or a preview failed. */
  UNAVAILABLE: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** One line per code, for `--help` and docs/commands.md. */
export const EXIT_CODE_MEANING: Record<ExitCode, string> = {
  0: "done",
  1: "ran, and the answer is no (problems listed on stderr)",
  2: "bad arguments; nothing ran",
  3: "could not reach a verdict (a tool missing, a preview failed)",
};
