// The one bucket allowed to be public: `<project>-buildpacks`, which serves the Redis TLS
// buildpack archive that Heroku downloads at every build (components/publicBuildpack.ts; Heroku
// fetches a buildpack from a public https URL). Exactly that name, derived from the bucket's own
// project, and only public reading (roles/storage.objectViewer to allUsers): every other bucket
// stays private, and no other grant may name allUsers or allAuthenticatedUsers.
export const PUBLIC_BUILDPACK_BUCKET_SUFFIX = "-buildpacks";
export const PUBLIC_READ_ROLE = "roles/storage.objectViewer";

/** Whether `name` is the public buildpack bucket of `project`. */
export function isPublicBuildpackBucket(name: unknown, project: unknown): boolean {
  return (
    typeof name === "string" &&
    typeof project === "string" &&
    project !== "" &&
    name === `${project}${PUBLIC_BUILDPACK_BUCKET_SUFFIX}`
  );
}
