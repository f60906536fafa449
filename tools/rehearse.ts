// `npm run rehearse`: a release and its rollback, rehearsed offline with the real commands
// against the Heroku emulator and a local PostgreSQL (tools/rehearse/). docs/release.md,
// "Rehearsal".
import { defineCommand, runCommand, EXIT, UsageError, type CommandMain } from "./cli/command";

/** The Django apps the rehearsal's release adds migrations to (tools/rehearse/world.ts). */
const REVERSED_APPS = ["nodes", "projects", "integrations"];

export const REHEARSE_COMMAND = defineCommand({
  command: "npm run rehearse --",
  synopsis: "[--fail-once <label>]",
  description:
    "Rehearses a release and its rollback offline: starts the Heroku emulator (gyana-release in\n" +
    "staging, gyana-beta in production) and a local PostgreSQL holding a django_migrations\n" +
    "history, then runs the commands an operator types: the release plan, the release under\n" +
    "maintenance mode, the rollback plan and the rollback. Checks production is back as it was.\n" +
    "With --fail-once (nodes, projects or integrations), that reverse migration fails once: the\n" +
    "rehearsal then checks maintenance stayed on and resumes with the command the rollback printed.\n" +
    "Needs the PostgreSQL server binaries (initdb, pg_ctl); no credentials, no network.",
  positionals: { min: 0, max: 0 },
  options: {
    "fail-once": {
      type: "string",
      valueName: "<label>",
      description: "fail the reverse migration of <label> once, to rehearse a failed rollback",
    },
  },
  exitCodes: {
    [EXIT.OK]: "the rehearsal passed",
    [EXIT.FAILED]: "a command or a check failed (the output says which)",
    [EXIT.USAGE]: "bad arguments; nothing ran",
  },
});

/** What `npm run rehearse` does once its arguments parse. */
export const rehearseMain: CommandMain<typeof REHEARSE_COMMAND.options> = async (
  { values },
  io,
) => {
  const failOnce = values["fail-once"];
  if (failOnce !== undefined && !REVERSED_APPS.includes(failOnce)) {
    throw new UsageError(
      `--fail-once ${JSON.stringify(failOnce)} is not reversed in the rehearsal; allowed: ` +
        REVERSED_APPS.join(", "),
    );
  }
  io.err("Starting PostgreSQL and the Heroku emulator…");
  const { rehearse } = await import("./rehearse/run");
  const { virtualClock } = await import("./release/poll");
  const passed = await rehearse({
    print: (...lines) => lines.forEach((line) => io.out(line)),
    // Emulated Heroku answers a poll the same whenever it comes: the waits pass at once.
    clock: virtualClock(),
    failOnce,
  });
  return passed ? EXIT.OK : EXIT.FAILED;
};

if (require.main === module) runCommand(REHEARSE_COMMAND, rehearseMain);
