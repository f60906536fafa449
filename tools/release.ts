// Entry point of `npm run release -- ...`; see tools/release/args.ts for the options and
// docs/release.md for the procedure.
import { herokuClientFromEnv } from "../providers/heroku/client";
import { processIo } from "./release/cli";
import { runRelease } from "./release/main";
import { realClock } from "./release/poll";

runRelease(process.argv.slice(2), {
  io: processIo(),
  heroku: () => herokuClientFromEnv(),
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
