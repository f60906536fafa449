// The one rule that keeps a release or rollback from being undone under the operator's feet: an
// `up` that changes config vars makes a release, and its release phase runs `migrate` with the
// code then live (docs/rollback.md, "Config vars, keys and deploys around a rollback").

export function freezeRule(what: "release" | "rollback"): string {
  return (
    `Until the ${what} is done and checked: merge nothing to main, and approve no waiting Up ` +
    `deployment (an Up that changes config vars makes a release whose release phase runs migrate).`
  );
}
