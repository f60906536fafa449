// What the release and rollback commands share as command-line programs: how they talk to the
// operator (injectable, so tests capture output and answer prompts), refusals, and the
// confirmation gate in front of every change. Parsing, help and exit codes are tools/cli's.
import { emitKeypressEvents } from "node:readline";
import { createInterface } from "node:readline/promises";
import { hasShape, seg, shapeRule, type HerokuShape } from "../../providers/heroku/providerKit";
import { UsageError } from "../cli/usageError";

/** The operator's terminal. Tests pass one that records lines and scripts answers. */
export interface Io {
  /** One line of the command's result (stdout). */
  out(line: string): void;
  /** One line of progress or diagnostics (stderr), so `--json` keeps stdout clean. */
  err(line: string): void;
  /** True when stdin is a terminal someone can answer. */
  interactive: boolean;
  /**
   * Asks a question on the terminal and returns the answer. With `secret`, the answer (a
   * one-time code) is read without echo, so it is never on the screen or in a recording of it.
   */
  ask(question: string, options?: { secret?: boolean }): Promise<string>;
}

// Bad arguments: the command prints the message and its usage, and exits 2 (tools/cli).
export { UsageError };

/** The command will not act (unsafe state, no confirmation): exits 1 having changed nothing. */
export class RefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RefusedError";
  }
}

/**
 * Asks the operator to type `expected` before anything changes. `--yes` skips the question;
 * without a terminal and without `--yes` there is nobody to ask, so the command refuses.
 */
export async function confirm(
  io: Io,
  options: { yes: boolean; question: string; expected: string },
): Promise<void> {
  if (options.yes) return;
  if (!io.interactive) {
    throw new RefusedError(
      "stdin is not a terminal, so there is nobody to confirm: re-run with --yes to confirm " +
        "non-interactively. Nothing was changed.",
    );
  }
  const answer = (
    await io.ask(`${options.question} Type ${options.expected} to continue: `)
  ).trim();
  if (answer !== options.expected) {
    throw new RefusedError(`confirmation did not match ${options.expected}. Nothing was changed.`);
  }
}

/** The real terminal: stdout/stderr lines, and readline on stdin for questions. */
export function processIo(): Io {
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    interactive: Boolean(process.stdin.isTTY),
    ask: async (question, options) => {
      if (options?.secret) return askWithoutEcho(question, process.stdin, process.stderr);
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return await rl.question(question);
      } finally {
        rl.close();
      }
    },
  };
}

/** What the hidden prompt needs of its input: a stream on a terminal (process.stdin on a TTY). */
export interface TerminalInput extends NodeJS.ReadableStream {
  isTTY?: boolean;
  isRaw?: boolean;
  setRawMode(mode: boolean): unknown;
}

/**
 * Reads one line on a terminal without echoing it: the terminal is put in raw mode, so neither
 * the terminal driver nor readline (which echoes every key it reads) shows what is typed; keys
 * come from readline's keypress decoder. Enter (or Ctrl-D) ends the answer, Backspace deletes,
 * Ctrl-C refuses (raw mode turns it into a key, not a signal). The terminal's mode is restored
 * in every case.
 */
export function askWithoutEcho(
  question: string,
  input: TerminalInput,
  output: Pick<NodeJS.WritableStream, "write">,
): Promise<string> {
  if (!input.isTTY) {
    return Promise.reject(new RefusedError("stdin is not a terminal, so a code cannot be typed."));
  }
  return new Promise((resolve, reject) => {
    emitKeypressEvents(input);
    const wasRaw = input.isRaw;
    let answer = "";
    const finish = (error?: Error) => {
      input.off("keypress", onKey);
      input.setRawMode(wasRaw ?? false);
      input.pause();
      output.write("\n");
      if (error) reject(error);
      else resolve(answer);
    };
    const onKey = (text: string | undefined, key: Keypress | undefined) => {
      if (key?.ctrl && key.name === "c") {
        finish(
          new RefusedError("interrupted (Ctrl-C) before a code was given. Nothing was changed."),
        );
      } else if (
        key?.name === "return" ||
        key?.name === "enter" ||
        (key?.ctrl && key.name === "d")
      ) {
        finish();
      } else if (key?.name === "backspace") {
        answer = answer.slice(0, -1);
      } else if (text && !key?.ctrl && !key?.meta && !/[\u0000-\u001f\u007f]/.test(text)) {
        answer += text;
      }
    };
    input.setRawMode(true);
    input.on("keypress", onKey);
    input.resume();
    output.write(question);
  });
}

/** What readline's keypress decoder passes with each key. */
interface Keypress {
  name?: string;
  ctrl?: boolean;
  meta?: boolean;
}

/** Quotes an argument for a shell command line shown to the operator. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** `{app}` segment of an API path. */
export function appPath(app: string): string {
  return `/apps/${seg(app)}`;
}

/** What Heroku accepts as `{app_identity}` in a path (the Platform API schema: name or id). */
const APP_IDENTITY: readonly HerokuShape[] = ["appName", "uuid"];

/**
 * An app named on the command line (`--app`, `--from-app`, `--to-app`), checked by shape before
 * it reaches a path: `..` or `gyana-beta/releases` is a usage error naming the option, not a
 * request to another endpoint.
 */
export function appOption(option: string, value: string | undefined): string | undefined {
  if (value === undefined || hasShape(value, APP_IDENTITY)) return value;
  throw new UsageError(
    `${option} ${JSON.stringify(value)} is not a Heroku app; allowed: ${shapeRule(APP_IDENTITY)}`,
  );
}
