// One command-line convention for every operator command (plan, drift, e2e, bench, release,
// rollback), so they behave alike:
//   - `-h`/`--help` anywhere prints the usage on stdout and exits 0, whatever else is given;
//   - a bad argument (unknown flag, named in the message; missing or extra argument; unknown
//     stack) prints `error: <what>` and the usage on stderr and exits 2 (EXIT.USAGE);
//   - the arguments are checked before anything heavy is loaded: a command's `main` imports its
//     engine (`@pulumi/pulumi` takes half a second or more) with `await import(...)`;
//   - results go to stdout, progress and diagnostics to stderr;
//   - the process exits only once stdout and stderr are flushed: Node writes to a pipe
//     asynchronously, and `process.exit` right after a write cuts piped output at 64 KB.
// Exit codes are the table in ./exitCodes.ts (docs/commands.md).
//
// How a command uses it (tools/plan.ts is the model):
//   const spec = defineCommand({ command: "npm run plan --", synopsis: "<stack> [--json]",
//     description: "...", positionals: { name: "<stack>", description: "...", min: 1, max: 1 },
//     options: { json: { type: "boolean", description: "..." } },
//     exitCodes: { 0: "...", 1: "...", 2: "..." } });
//   runCommand(spec, async ({ values, positionals }, io) => {
//     const stack = parseStackName(positionals[0]!);   // throws UsageError → exit 2
//     const { heavy } = await import("./heavy");       // only now
//     io.out(await heavy(stack, values.json));
//     return EXIT.OK;
//   });
//
// Release and rollback (tools/release, tools/rollback) adopt it this way: describe the flags
// with `defineCommand` (each option gains a `description`, and `valueName` for string options),
// call `parseCommandLine(spec, argv)` in place of `parseFlags` (it returns `{ help: true }` for
// -h/--help, else `{ values, positionals }`, and throws this module's UsageError), print
// `usage(spec)` for help, use `EXIT` for the codes, and have `runOperatorCommand` end with
// `exitWhenFlushed(code)`. Their `Io` is a superset of `CommandIo`, so
// `executeCommand(spec, main, argv, io)` runs them in-process in tests. Commands that take no
// positional argument say `positionals: { min: 0, max: 0 }`.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { EXIT, EXIT_CODE_MEANING, type ExitCode } from "./exitCodes";
import { UsageError } from "./usageError";

export { UsageError };

/** A flag as node:util's parseArgs takes it, plus what `--help` says about it. */
type ParseArgsOptionConfig = NonNullable<ParseArgsConfig["options"]>[string];

export type OptionSpec = ParseArgsOptionConfig & {
  description: string;
  /** Shown after a string option in the help, e.g. `<path>`. */
  valueName?: string;
};

export interface CommandSpec<T extends Record<string, OptionSpec>> {
  /** How the operator types the command, e.g. `npm run plan --`. */
  command: string;
  /** What follows the command in the usage line, e.g. `<stack> [--json]`. */
  synopsis: string;
  /** A paragraph: what the command does. */
  description: string;
  positionals: { name?: string; description?: string; min: number; max: number };
  options: T;
  /** What each exit code means for this command (codes it never returns are left out). */
  exitCodes: Partial<Record<ExitCode, string>>;
}

/** Identity, for type inference of the option names. */
export function defineCommand<T extends Record<string, OptionSpec>>(
  spec: CommandSpec<T>,
): CommandSpec<T> {
  return spec;
}

type Values<T extends Record<string, OptionSpec>> = ReturnType<
  typeof parseArgs<{ options: T; strict: true; allowPositionals: true }>
>["values"];

export type ParsedCommandLine<T extends Record<string, OptionSpec>> =
  { help: true } | { help: false; values: Values<T>; positionals: string[] };

const HELP_FLAGS = new Set(["-h", "--help"]);

function flagName(name: string, option: OptionSpec): string {
  const long = `--${name}${option.type === "string" ? ` ${option.valueName ?? "<value>"}` : ""}`;
  return option.short ? `-${option.short}, ${long}` : long;
}

/** The `--help` text: usage line, description, arguments, options, exit codes. */
export function usage<T extends Record<string, OptionSpec>>(spec: CommandSpec<T>): string {
  const rows: [string, string][] = [
    ...Object.entries(spec.options).map(([name, option]): [string, string] => [
      flagName(name, option),
      option.description,
    ]),
    ["-h, --help", "print this help and exit"],
  ];
  const width = Math.max(...rows.map(([flag]) => flag.length), spec.positionals.name?.length ?? 0);
  const row = ([left, right]: [string, string]) => `  ${left.padEnd(width)}  ${right}`;
  const lines = [`Usage: ${spec.command} ${spec.synopsis}`.trimEnd(), "", spec.description, ""];
  if (spec.positionals.name && spec.positionals.description) {
    lines.push("Arguments:", row([spec.positionals.name, spec.positionals.description]), "");
  }
  lines.push("Options:", ...rows.map(row), "", "Exit codes (docs/commands.md):");
  for (const [code, meaning] of Object.entries(spec.exitCodes)) {
    lines.push(`  ${code}  ${meaning}`);
  }
  return lines.join("\n");
}

function positionalCount(min: number, max: number): string {
  if (min === max)
    return min === 0 ? "no arguments" : `exactly ${min} argument${min > 1 ? "s" : ""}`;
  return max === Infinity ? `at least ${min}` : `${min} to ${max} arguments`;
}

/**
 * Parses argv strictly. `-h`/`--help` before a `--` wins over everything else; anything wrong
 * throws a UsageError naming the offending argument and the allowed flags.
 */
export function parseCommandLine<T extends Record<string, OptionSpec>>(
  spec: CommandSpec<T>,
  argv: string[],
): ParsedCommandLine<T> {
  const end = argv.indexOf("--");
  if ((end === -1 ? argv : argv.slice(0, end)).some((arg) => HELP_FLAGS.has(arg))) {
    return { help: true };
  }
  const options = Object.fromEntries(
    Object.entries(spec.options).map(([name, option]) => {
      const { description: _description, valueName: _valueName, ...config } = option;
      return [name, config];
    }),
  ) as unknown as T;
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: true });
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).split(/\.\s|\n/)[0];
    const allowed = [...Object.keys(spec.options).map((name) => `--${name}`), "--help"];
    throw new UsageError(`${message} (allowed: ${allowed.join(", ")})`);
  }
  const { min, max } = spec.positionals;
  const positionals = parsed.positionals;
  if (positionals.length < min || positionals.length > max) {
    const what = spec.positionals.name ? ` (${spec.positionals.name})` : "";
    const got =
      positionals.length === 0 ? "none" : positionals.map((p) => JSON.stringify(p)).join(", ");
    throw new UsageError(`expected ${positionalCount(min, max)}${what}, got ${got}`);
  }
  return { help: false, values: parsed.values as Values<T>, positionals };
}

/** Where a command writes: one call per line (a newline is added). */
export interface CommandIo {
  /** The command's result, on stdout. */
  out(line: string): void;
  /** Progress and diagnostics, on stderr. */
  err(line: string): void;
}

export type CommandMain<T extends Record<string, OptionSpec>> = (
  args: { values: Values<T>; positionals: string[] },
  io: CommandIo,
) => Promise<number>;

/**
 * Runs a command against argv and an io, returning its exit code: help and usage errors are
 * handled here, so tests can run every path in-process. A UsageError thrown by `main` (an
 * unknown stack, say) is a usage error too, as long as it is thrown before anything ran.
 */
export async function executeCommand<T extends Record<string, OptionSpec>>(
  spec: CommandSpec<T>,
  main: CommandMain<T>,
  argv: string[],
  io: CommandIo,
): Promise<number> {
  const usageFailure = (error: UsageError) => {
    io.err(`error: ${error.message}\n\n${usage(spec)}`);
    return EXIT.USAGE;
  };
  let parsed: ParsedCommandLine<T>;
  try {
    parsed = parseCommandLine(spec, argv);
  } catch (error) {
    if (error instanceof UsageError) return usageFailure(error);
    throw error;
  }
  if (parsed.help) {
    io.out(usage(spec));
    return EXIT.OK;
  }
  try {
    return await main({ values: parsed.values, positionals: parsed.positionals }, io);
  } catch (error) {
    if (error instanceof UsageError) return usageFailure(error);
    io.err(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return EXIT.FAILED;
  }
}

/** stdout and stderr of this process, one write per line. */
export const processIo: CommandIo = {
  out: (line) => void process.stdout.write(`${line}\n`),
  err: (line) => void process.stderr.write(`${line}\n`),
};

/** Resolves once everything written so far to `stream` has been handed to the OS. */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || !stream.writable) return resolve();
    // Writes complete in order: the callback of an empty write runs after every earlier one.
    stream.write("", () => resolve());
  });
}

/**
 * Exits with `code` once stdout and stderr are flushed. A plain `process.exit` right after a
 * large write to a pipe loses everything past the pipe's 64 KB buffer.
 */
export async function exitWhenFlushed(code: number): Promise<never> {
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit(code);
}

/** The entry point of a command file: runs it on this process's argv and exits when flushed. */
export function runCommand<T extends Record<string, OptionSpec>>(
  spec: CommandSpec<T>,
  main: CommandMain<T>,
): void {
  void executeCommand(spec, main, process.argv.slice(2), processIo).then(
    (code) => exitWhenFlushed(code),
    (error: unknown) => {
      process.stderr.write(`error: ${String(error)}\n`);
      return exitWhenFlushed(EXIT.FAILED);
    },
  );
}

export { EXIT, EXIT_CODE_MEANING, type ExitCode };
