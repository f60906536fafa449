// The operator's side of an in-process release or rollback run: a terminal that records every
// line and question and answers from a script, a clock that advances only when the command
// sleeps (waits cost no real time), and a Heroku client on the emulator that shares that clock.
import { HerokuClient, type RetryEvent } from "../../providers/heroku/client";
import type { Io } from "../../tools/release/cli";
import { virtualClock, type Clock } from "../../tools/release/poll";
import type { HerokuEmulator } from "../emulator/heroku";

export interface ScriptedTerminal {
  interactive?: boolean;
  /** Answers to the questions, in order; the last one repeats. */
  answers?: string[];
}

export interface ScriptedOperator {
  io: Io;
  clock: Clock;
  heroku: () => HerokuClient;
  out: string[];
  err: string[];
  /** The questions asked on the terminal, in order. */
  asked: string[];
  /** The questions whose answer was read without echo (a subset of `asked`). */
  askedWithoutEcho: string[];
  retries: RetryEvent[];
}

export function scriptedOperator(
  emu: HerokuEmulator,
  terminal: ScriptedTerminal = {},
): ScriptedOperator {
  const operator: Omit<ScriptedOperator, "io" | "clock" | "heroku"> = {
    out: [],
    err: [],
    asked: [],
    askedWithoutEcho: [],
    retries: [],
  };
  const answers = terminal.answers ?? [];
  const io: Io = {
    out: (line) => operator.out.push(line),
    err: (line) => operator.err.push(line),
    interactive: terminal.interactive ?? false,
    ask: async (question, options) => {
      operator.asked.push(question);
      if (options?.secret) operator.askedWithoutEcho.push(question);
      return answers[Math.min(operator.asked.length, answers.length) - 1] ?? "";
    },
  };
  const clock = virtualClock(Date.parse("2026-11-25T19:00:00Z"));
  const heroku = () =>
    new HerokuClient({
      token: emu.token,
      baseUrl: emu.url,
      sleep: clock.sleep,
      onRetry: (event) => operator.retries.push(event),
    });
  return { ...operator, io, clock, heroku };
}
