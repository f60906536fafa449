// Vitest global setup: every test process gets a private temporary directory (TMPDIR), and the
// run fails if anything is left in it at the end. Tests clean up what they create; this proves it.
import { chmodSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TEMPLATE_DIR_VARIABLE } from "./postgres";

// tsx keeps its compile cache in the temporary directory, and test/support/postgres.ts its one
// initdb of the run: caches, not a test's leftovers.
const POSTGRES_TEMPLATE = "postgres-template";
const CACHES = [/^tsx-\d+$/, new RegExp(`^${POSTGRES_TEMPLATE}$`)];

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), "gyana-tests-"));
  // Traversable (not listable) by other users: as root, test/support/postgres.ts runs initdb and
  // postgres as the `postgres` user inside it, and mkdtemp's 0700 locks that user out.
  chmodSync(dir, 0o711);
  process.env["TMPDIR"] = dir;
  process.env[TEMPLATE_DIR_VARIABLE] = join(dir, POSTGRES_TEMPLATE);
  return () => {
    const left = readdirSync(dir).filter((name) => !CACHES.some((cache) => cache.test(name)));
    rmSync(dir, { recursive: true, force: true });
    if (left.length > 0) {
      // Vitest reports an error thrown here but still exits 0: set the exit code as well.
      process.exitCode = 1;
      throw new Error(
        `tests left ${left.length} entries in the temporary directory: ${left.join(", ")}`,
      );
    }
  };
}
