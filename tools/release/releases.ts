// Heroku releases as the operator commands see them: listing an app's history in version order,
// finding the current one, describing one in a line, and waiting for a release phase to end.
import type { HerokuClient } from "../../providers/heroku/client";
import { apiId, seg } from "../../providers/heroku/providerKit";
import { appPath } from "./cli";
import { describeWait, pollUntil, type Clock } from "./poll";

/** The fields of a Heroku release that the commands read (schema: release). */
export interface Release {
  id: string;
  version: number;
  status: "failed" | "pending" | "succeeded" | "expired";
  description: string;
  created_at: string;
  updated_at?: string;
  current?: boolean;
  eligible_for_rollback?: boolean;
  slug?: { id: string } | null;
  user?: { id?: string; email?: string };
}

/** Heroku waits up to 20 min for a release phase (terraform-provider-heroku does the same). */
export const RELEASE_PHASE_TIMEOUT_MS = 20 * 60_000;

/**
 * `/apps/{app}/releases/{id}` for a release id taken from an API answer, checked to be a uuid
 * first: an id of `..` would otherwise resolve to another path.
 */
export function releasePath(app: string, id: unknown, what: string): string {
  return `${appPath(app)}/releases/${seg(apiId(id, what))}`;
}

/** Every release of `app` (all pages), oldest first. */
export async function listReleases(client: HerokuClient, app: string): Promise<Release[]> {
  const releases = await client.list<Release>(`${appPath(app)}/releases`);
  return [...releases].sort((a, b) => a.version - b.version);
}

/** The release the app runs: the one marked `current`, else the newest that succeeded. */
export function currentRelease(releases: Release[]): Release | undefined {
  const marked = releases.filter((r) => r.current === true);
  if (marked.length > 0) return marked[marked.length - 1];
  return releases.filter((r) => r.status === "succeeded").at(-1);
}

/** `v42 (id …) "Deploy 1a2b3c", created 2026-11-20T10:00:00Z, succeeded` */
export function describeRelease(release: Release): string {
  const slug = release.slug?.id ? `, slug ${release.slug.id}` : "";
  return (
    `v${release.version} (id ${release.id}) "${release.description}", ` +
    `created ${release.created_at}, ${release.status}${slug}`
  );
}

/**
 * Polls a release until its release phase ends. Returns the release whatever the outcome; the
 * caller decides what `failed` means for it.
 */
export function waitForRelease(
  client: HerokuClient,
  app: string,
  releaseId: string,
  clock: Clock,
  options: { timeoutMs?: number; onWait?: (release: Release, waited: string) => void } = {},
): Promise<Release> {
  const path = releasePath(app, releaseId, `the new release of ${app}`);
  return pollUntil(
    () => client.get<Release>(path),
    (release) => release.status !== "pending",
    clock,
    {
      what: `release ${releaseId} of ${app} to leave "pending"`,
      timeoutMs: options.timeoutMs ?? RELEASE_PHASE_TIMEOUT_MS,
      describe: (release) => `v${release.version} status ${release.status}`,
      onWait: (release, _delay, progress) => options.onWait?.(release, describeWait(progress)),
    },
  );
}
