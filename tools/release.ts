// Entry point of `npm run release -- ...`; see tools/release/args.ts for the options and
// the README's "Release" section for the procedure.
import { processIo } from "./release/cli";
import { operatorHerokuClient } from "./release/herokuFromEnv";
import { runRelease } from "./release/main";
import { realClock } from "./release/poll";

runRelease(process.argv.slice(2), {
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
