// Entry point of `npm run release -- ...`; see tools/release/args.ts for the options and
// docs/release.md for the procedure.
import { runRelease } from "./release/main";
import { runOperatorCommand } from "./release/operatorCommand";

runOperatorCommand(runRelease);
