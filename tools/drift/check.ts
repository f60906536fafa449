// Runs `pulumi preview --refresh --json` for one stack and turns the result into a verdict:
// exit code and markdown report. The CLI is not installable on every machine (nor in this
// repository's sandbox), so a missing CLI is a plain, expected outcome with its own message.
import { spawn } from "node:child_process";
import { EXIT } from "../cli/exitCodes";
import {
  errorsOf,
  formatDriftReport,
  formatFailureReport,
  findDrift,
  parsePreviewJson,
} from "./report";

// The shared exit codes (docs/commands.md): drift is the answer "no"; a missing CLI and a failed
// preview both leave drift unknown.
export const EXIT_NO_DRIFT = EXIT.OK;
export const EXIT_DRIFT = EXIT.FAILED;
export const EXIT_NO_CLI = EXIT.UNAVAILABLE;
export const EXIT_PREVIEW_FAILED = EXIT.UNAVAILABLE;

export interface DriftCheckOptions {
  stack: string;
  /** The CLI to run; `pulumi` from PATH unless a test says otherwise. */
  pulumi?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export interface DriftCheckResult {
  exitCode: number;
  /** Markdown for a step summary or PR comment; empty when the CLI is missing. */
  report: string;
  /** Plain text for the terminal when there is no report to show. */
  message?: string;
}

/**
 * The preview the check runs. `--refresh` first reads every resource from Heroku, Google Cloud
 * and GoDaddy, so a change made by hand shows up as a step that would undo it. No
 * `--expect-no-changes`: it would fail the command on drift, and the JSON tells drift apart from
 * a preview that could not run, which deserve different exit codes.
 */
export function previewArgs(stack: string): string[] {
  return ["preview", "--refresh", "--json", "--non-interactive", "--stack", stack];
}

export function missingCliMessage(stack: string): string {
  return [
    "The pulumi CLI is not installed (no `pulumi` on PATH), so the drift check cannot run.",
    "Install it from https://www.pulumi.com/docs/iac/download-install/ (in GitHub Actions, pulumi/actions installs it),",
    `log in to the stack's backend, then run \`npm run drift -- ${stack}\` again.`,
  ].join("\n");
}

interface Ran {
  code: number | null;
  stdout: string;
  missing: boolean;
}

function run(command: string, args: string[], options: DriftCheckOptions): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      // stderr goes straight to the operator: progress, auth and plugin errors belong there.
      stdio: ["ignore", "pipe", "inherit"],
    });
    let stdout = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") {
        resolve({ code: null, stdout: "", missing: true });
      } else {
        reject(error);
      }
    });
    child.on("close", (code) => resolve({ code, stdout, missing: false }));
  });
}

export async function checkDrift(options: DriftCheckOptions): Promise<DriftCheckResult> {
  const { stack } = options;
  const ran = await run(options.pulumi ?? "pulumi", previewArgs(stack), options);
  if (ran.missing) {
    return { exitCode: EXIT_NO_CLI, report: "", message: missingCliMessage(stack) };
  }
  let digest;
  try {
    digest = parsePreviewJson(ran.stdout);
  } catch (error) {
    const reason =
      ran.code === 0
        ? (error as Error).message
        : `\`pulumi preview\` exited with code ${ran.code} and printed no JSON report; its error output is in the log above.`;
    return { exitCode: EXIT_PREVIEW_FAILED, report: formatFailureReport(stack, reason, []) };
  }
  const errors = errorsOf(digest);
  if (ran.code !== 0 || errors.length > 0) {
    const reason = `\`pulumi preview\` failed (exit code ${ran.code}), so drift is unknown.`;
    return { exitCode: EXIT_PREVIEW_FAILED, report: formatFailureReport(stack, reason, errors) };
  }
  return {
    exitCode: findDrift(digest).length > 0 ? EXIT_DRIFT : EXIT_NO_DRIFT,
    report: formatDriftReport(stack, digest),
  };
}
