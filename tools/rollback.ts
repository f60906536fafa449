// Entry point of `npm run rollback -- ...`; see tools/rollback/args.ts for the options and
// docs/rollback.md for the procedure.
import { runOperatorCommand } from "./release/operatorCommand";
import { runRollback } from "./rollback/main";

runOperatorCommand(runRollback);
