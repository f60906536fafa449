// Entry point of `npm run rollback -- ...`; see tools/rollback/args.ts for the options and
// the README's "Rollback" section for the procedure.
import { processIo } from "./release/cli";
import { operatorHerokuClient } from "./release/herokuFromEnv";
import { realClock } from "./release/poll";
import { runRollback } from "./rollback/main";

runRollback(process.argv.slice(2), {
  io: processIo(),
  heroku: () => operatorHerokuClient(),
  clock: realClock,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
