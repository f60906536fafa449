// Runs an operator command (release, rollback) from the command line with the real terminal,
// the operator's Heroku credentials and the wall clock, and exits with the code it returns once
// the output is flushed (tools/cli).
import { exitWhenFlushed } from "../cli/command";
import { EXIT } from "../cli/exitCodes";
import { processIo, type Io } from "./cli";
import { operatorHerokuClient } from "./herokuFromEnv";
import { realClock, type Clock } from "./poll";
import type { HerokuClient } from "../../providers/heroku/client";

export interface OperatorDeps {
  io: Io;
  heroku: () => HerokuClient;
  clock: Clock;
}

export function runOperatorCommand(
  command: (argv: string[], deps: OperatorDeps) => Promise<number>,
): void {
  command(process.argv.slice(2), {
    io: processIo(),
    heroku: () => operatorHerokuClient(),
    clock: realClock,
  }).then(
    (code) => exitWhenFlushed(code),
    (error: unknown) => {
      process.stderr.write(`error: ${String(error)}\n`);
      return exitWhenFlushed(EXIT.FAILED);
    },
  );
}
