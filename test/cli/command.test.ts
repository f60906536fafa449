import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import {
  defineCommand,
  executeCommand,
  parseCommandLine,
  usage,
  EXIT,
  UsageError,
  type CommandIo,
} from "../../tools/cli/command";
import { parseQualifiedStackName, parseStackName } from "../../tools/cli/stacks";

const root = join(__dirname, "..", "..");

const spec = defineCommand({
  command: "npm run demo --",
  synopsis: "<stack> [--json] [--out <path>]",
  description: "Demonstrates the shared command line.",
  positionals: { name: "<stack>", description: "dev, staging, prod", min: 1, max: 1 },
  options: {
    json: { type: "boolean", description: "JSON instead of text" },
    out: { type: "string", valueName: "<path>", description: "write here too" },
  },
  exitCodes: { [EXIT.OK]: "done", [EXIT.USAGE]: "bad arguments" },
});

function recordingIo(): CommandIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

describe("parseCommandLine", () => {
  it("returns the flags and positionals it was given", () => {
    expect(parseCommandLine(spec, ["prod", "--json", "--out", "x.md"])).toEqual({
      help: false,
      values: { json: true, out: "x.md" },
      positionals: ["prod"],
    });
  });

  it.each([["-h"], ["--help"], ["--bogus", "--help"], ["prod", "extra", "-h"]])(
    "%s asks for help whatever else is given",
    (...argv) => {
      expect(parseCommandLine(spec, argv)).toEqual({ help: true });
    },
  );

  it("after `--`, -h is an argument, not a request for help", () => {
    expect(() => parseCommandLine(spec, ["prod", "--", "-h"])).toThrow(
      'expected exactly 1 argument (<stack>), got "prod", "-h"',
    );
  });

  it.each([
    [["prod", "--bogus"], "Unknown option '--bogus' (allowed: --json, --out, --help)"],
    [["prod", "-x"], "Unknown option '-x' (allowed: --json, --out, --help)"],
    [["prod", "--out"], "Option '--out <value>' argument missing (allowed: --json, --out, --help)"],
    [
      ["prod", "--json=yes"],
      "Option '--json' does not take an argument (allowed: --json, --out, --help)",
    ],
    [[], "expected exactly 1 argument (<stack>), got none"],
    [["prod", "staging"], 'expected exactly 1 argument (<stack>), got "prod", "staging"'],
  ])("%j is refused: %s", (argv, message) => {
    expect(() => parseCommandLine(spec, argv)).toThrow(new UsageError(message));
  });
});

describe("usage", () => {
  it("lists the arguments, every option with its value name, -h and the exit codes", () => {
    expect(usage(spec)).toBe(
      [
        "Usage: npm run demo -- <stack> [--json] [--out <path>]",
        "",
        "Demonstrates the shared command line.",
        "",
        "Arguments:",
        "  <stack>       dev, staging, prod",
        "",
        "Options:",
        "  --json        JSON instead of text",
        "  --out <path>  write here too",
        "  -h, --help    print this help and exit",
        "",
        "Exit codes (docs/commands.md):",
        "  0  done",
        "  2  bad arguments",
      ].join("\n"),
    );
  });
});

describe("executeCommand", () => {
  const main = async ({ positionals }: { positionals: string[] }, io: CommandIo) => {
    io.out(`stack ${parseStackName(positionals[0] ?? "")}`);
    return EXIT.OK;
  };

  it("help goes to stdout with exit 0, and main does not run", async () => {
    const io = recordingIo();
    expect(await executeCommand(spec, main, ["--help"], io)).toBe(EXIT.OK);
    expect(io.stdout).toEqual([usage(spec)]);
    expect(io.stderr).toEqual([]);
  });

  it("a usage error goes to stderr with the usage, exit 2, nothing on stdout", async () => {
    const io = recordingIo();
    expect(await executeCommand(spec, main, ["--bogus"], io)).toBe(EXIT.USAGE);
    expect(io.stdout).toEqual([]);
    expect(io.stderr).toEqual([
      `error: Unknown option '--bogus' (allowed: --json, --out, --help)\n\n${usage(spec)}`,
    ]);
  });

  it("a UsageError from main (an unknown stack) is a usage error too", async () => {
    const io = recordingIo();
    expect(await executeCommand(spec, main, ["production"], io)).toBe(EXIT.USAGE);
    expect(io.stderr[0]).toMatch(
      /^error: unknown stack "production"; allowed: dev, staging, prod\n/,
    );
  });

  it("any other error from main exits 1 with its message on stderr", async () => {
    const io = recordingIo();
    const failing = async () => {
      throw new Error("boom");
    };
    expect(await executeCommand(spec, failing, ["prod"], io)).toBe(EXIT.FAILED);
    expect(io.stderr[0]).toMatch(/^error: Error: boom/);
  });
});

describe("stack names", () => {
  it("accepts this project's stacks only", () => {
    expect(parseStackName("prod")).toBe("prod");
    expect(() => parseStackName("Prod")).toThrow(
      new UsageError('unknown stack "Prod"; allowed: dev, staging, prod'),
    );
  });

  it.each(["prod", "gyana/prod", "gyana/gyana/staging"])("accepts %s as a pulumi stack", (name) => {
    expect(parseQualifiedStackName(name)).toBe(name);
  });

  it.each(["production", "gyana/production", "gyana/other-project/prod", "a/b/c/prod", "../prod"])(
    "refuses %s",
    (name) => {
      expect(() => parseQualifiedStackName(name)).toThrow(
        new UsageError(
          `unknown stack "${name}"; allowed: dev, staging, prod, optionally as <org>/<stack> or <org>/gyana/<stack>`,
        ),
      );
    },
  );
});

describe("output through a pipe", () => {
  const sh = promisify(execFile);
  const slowReader = "(sleep 1; wc -c)";

  it("exiting right after a large write loses output: the failure this runner prevents", async () => {
    const { stdout } = await sh("sh", [
      "-c",
      `"${process.execPath}" -e 'process.stdout.write("x".repeat(1 << 20)); process.exit(0)' | ${slowReader}`,
    ]);
    expect(Number(stdout.trim())).toBeLessThan(1 << 20);
  });

  it("a command's whole output reaches a slow reader before the process exits", async () => {
    const tsx = join(root, "node_modules", "tsx", "dist", "cli.mjs");
    const script = join(__dirname, "fixtures", "megabyte.ts");
    const { stdout } = await sh("sh", [
      "-c",
      `"${process.execPath}" "${tsx}" "${script}" | ${slowReader}`,
    ]);
    expect(Number(stdout.trim())).toBe(1 << 20);
  });
});
