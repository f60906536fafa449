import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCommandLine, UsageError } from "../../tools/cli/command";
import { DRIFT_COMMAND } from "../../tools/drift";
import { checkDrift, missingCliMessage, previewArgs } from "../../tools/drift/check";
import { npmScript, ROOT } from "../support/npmScript";
import {
  describeUrn,
  findDrift,
  formatDriftReport,
  parsePreviewJson,
} from "../../tools/drift/report";

const FIXTURES = path.join(__dirname, "fixtures");
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), "utf8");

let scratch: string;
let fakePulumi: string;

beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), "drift-"));
  // Stands in for the CLI: records its arguments, prints a recorded `pulumi preview --json`.
  fakePulumi = path.join(scratch, "pulumi");
  writeFileSync(
    fakePulumi,
    '#!/bin/sh\nprintf \'%s\\n\' "$@" > "$ARGS_FILE"\ncat "$FIXTURE"\nexit "${FAKE_EXIT:-0}"\n',
  );
  chmodSync(fakePulumi, 0o755);
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

function fakeEnv(fixtureName: string, exit = 0): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ARGS_FILE: path.join(scratch, "args"),
    FIXTURE: path.join(FIXTURES, fixtureName),
    FAKE_EXIT: String(exit),
  };
}

describe("drift report from pulumi preview --json", () => {
  const digest = parsePreviewJson(fixture("preview-drift.json"));

  it("lists only what `up` would change: not the stack, not refresh or same steps", () => {
    expect(findDrift(digest).map((r) => [r.name, r.op])).toEqual([
      ["prod-config-vars", "update"],
      ["gcp-uploads", "update"],
      ["prod-domain-sni", "replace"],
      ["prod-domain-beta-cname", "create"],
    ]);
  });

  it("reads types and names out of nested URNs, dropping the dynamic-provider prefix", () => {
    expect(
      describeUrn(
        "urn:pulumi:prod::gyana::gyana:heroku:App$pulumi-nodejs:dynamic/heroku:ConfigVars::prod-config-vars",
      ),
    ).toEqual({ type: "heroku:ConfigVars", name: "prod-config-vars" });
    expect(describeUrn("urn:pulumi:prod::gyana::gcp:storage/bucket:Bucket::b")).toEqual({
      type: "gcp:storage/bucket:Bucket",
      name: "b",
    });
  });

  it("renders a markdown table with per-property detail where the provider gives it", () => {
    expect(formatDriftReport("prod", digest)).toBe(
      [
        "### Drift in stack `prod`: 4 resources",
        "",
        "`pulumi preview --refresh` found 4 resources that differ from what the program declares. The next `pulumi up --stack prod` would make these changes:",
        "",
        "| Resource | Type | Change | Properties |",
        "| --- | --- | --- | --- |",
        "| `prod-config-vars` | `heroku:ConfigVars` | update | sensitiveVars changed<br>vars changed |",
        "| `gcp-uploads` | `gcp:storage/bucket:Bucket` | update | cors[0].origins[0] changed<br>labels.owner removed |",
        "| `prod-domain-sni` | `heroku:SniEndpoint` | replace | certificateChain changed, forces replacement |",
        "| `prod-domain-beta-cname` | `godaddy:DnsRecord` | create (missing from the cloud) | (no property details) |",
        "",
        "If someone changed these by hand on purpose, put the change into the program or the stack config and open a pull request; otherwise `pulumi up` puts them back as declared.",
        "",
      ].join("\n"),
    );
  });

  it("never copies a value from the preview into the report", () => {
    const report = formatDriftReport("prod", digest);
    for (const value of [
      "staging-by-hand",
      "[secret]",
      "example.herokudns.com",
      "gyana-app-314217",
    ]) {
      expect(report).not.toContain(value);
    }
  });

  it("says plainly when nothing drifted, with the count of unchanged resources", () => {
    expect(formatDriftReport("prod", parsePreviewJson(fixture("preview-clean.json")))).toBe(
      "### No drift in stack `prod`\n\n`pulumi preview --refresh` found every resource as the program declares it (42 unchanged).\n",
    );
  });

  it("escapes pipes in property paths so the table keeps its columns", () => {
    const report = formatDriftReport("dev", {
      steps: [
        {
          op: "update",
          urn: "urn:pulumi:dev::gyana::pulumi-nodejs:dynamic/heroku:Formation::f",
          detailedDiff: { 'processes["a|b"]': { kind: "update-replace" } },
        },
      ],
    });
    expect(report).toContain('| processes["a\\|b"] changed, forces replacement |');
  });

  it("rejects output that is not JSON with the start of what was printed", () => {
    expect(() => parsePreviewJson("error: no stack named 'prod' found")).toThrow(
      "pulumi preview --json printed something that is not JSON (first 200 characters): error: no stack named 'prod' found",
    );
  });
});

describe("checkDrift against a stand-in pulumi CLI", () => {
  it("runs exactly `pulumi preview --refresh --json --non-interactive --stack <stack>`", async () => {
    await checkDrift({ stack: "prod", pulumi: fakePulumi, env: fakeEnv("preview-clean.json") });
    expect(readFileSync(path.join(scratch, "args"), "utf8").trim().split("\n")).toEqual(
      previewArgs("prod"),
    );
    expect(previewArgs("prod")).toEqual([
      "preview",
      "--refresh",
      "--json",
      "--non-interactive",
      "--stack",
      "prod",
    ]);
  });

  it("exits 1 with the table when resources drifted", async () => {
    const result = await checkDrift({
      stack: "prod",
      pulumi: fakePulumi,
      env: fakeEnv("preview-drift.json"),
    });
    expect(result.exitCode).toBe(1);
    expect(result.report).toBe(
      formatDriftReport("prod", parsePreviewJson(fixture("preview-drift.json"))),
    );
  });

  it("exits 0 when nothing drifted", async () => {
    const result = await checkDrift({
      stack: "prod",
      pulumi: fakePulumi,
      env: fakeEnv("preview-clean.json"),
    });
    expect(result.exitCode).toBe(0);
    expect(result.report).toContain("### No drift in stack `prod`");
  });

  it("exits 3 and lists the preview's errors when the preview fails", async () => {
    const result = await checkDrift({
      stack: "prod",
      pulumi: fakePulumi,
      env: fakeEnv("preview-error.json", 255),
    });
    expect(result.exitCode).toBe(3);
    expect(result.report).toBe(
      [
        "### Drift check of stack `prod` could not run",
        "",
        "`pulumi preview` failed (exit code 255), so drift is unknown.",
        "",
        "Errors from `pulumi preview`:",
        "",
        "- error: Heroku API GET /apps/gyana-beta failed: 401: Invalid credentials provided. (request id 1f2e3d4c)",
        "",
      ].join("\n"),
    );
  });

  it("exits 3 when the preview fails before printing any JSON", async () => {
    const env = { ...fakeEnv("preview-clean.json", 255), FIXTURE: "/dev/null" };
    const result = await checkDrift({ stack: "prod", pulumi: fakePulumi, env });
    expect(result.exitCode).toBe(3);
    expect(result.report).toContain(
      "`pulumi preview` exited with code 255 and printed no JSON report; its error output is in the log above.",
    );
  });

  it("exits 3 (drift unknown) with install instructions when there is no pulumi CLI", async () => {
    const result = await checkDrift({
      stack: "prod",
      pulumi: path.join(scratch, "no-such-pulumi"),
    });
    expect(result).toEqual({ exitCode: 3, report: "", message: missingCliMessage("prod") });
    expect(result.message).toBe(
      "The pulumi CLI is not installed (no `pulumi` on PATH), so the drift check cannot run.\n" +
        "Install it from https://www.pulumi.com/docs/iac/download-install/ (in GitHub Actions, pulumi/actions installs it),\n" +
        "log in to the stack's backend, then run `npm run drift -- prod` again.",
    );
  });
});

describe("npm run drift -- <stack>", () => {
  const run = (args: string[], env: NodeJS.ProcessEnv) =>
    spawnSync(...npmScript("drift", args), { cwd: ROOT, env, encoding: "utf8" });

  it("on a machine without the CLI, says so on stderr and exits 3", () => {
    // An empty PATH: no `pulumi` to find, as on this project's build machines. (Node itself is
    // started by absolute path.)
    const empty = mkdtempSync(path.join(scratch, "empty-path-"));
    const result = run(["prod"], { ...process.env, PATH: empty });
    expect(result.status).toBe(3);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(missingCliMessage("prod"));
  });

  it("prints the report and appends it to --summary-file, exiting 1 on drift", () => {
    const summary = path.join(scratch, "summary.md");
    writeFileSync(summary, "earlier step\n");
    const result = run(["prod", "--summary-file", summary], {
      ...fakeEnv("preview-drift.json"),
      PATH: `${scratch}:${process.env.PATH ?? ""}`,
    });
    expect(result.status).toBe(1);
    const report = formatDriftReport("prod", parsePreviewJson(fixture("preview-drift.json")));
    expect(result.stdout).toBe(report);
    expect(readFileSync(summary, "utf8")).toBe(`earlier step\n${report}\n`);
  });

  it("takes one stack and an optional --summary-file, nothing else", () => {
    expect(parseCommandLine(DRIFT_COMMAND, ["gyana/prod", "--summary-file", "s.md"])).toEqual({
      help: false,
      values: { "summary-file": "s.md" },
      positionals: ["gyana/prod"],
    });
    expect(() => parseCommandLine(DRIFT_COMMAND, [])).toThrow(
      new UsageError("expected exactly 1 argument (<stack>), got none"),
    );
    expect(() => parseCommandLine(DRIFT_COMMAND, ["prod", "--yes"])).toThrow(
      new UsageError("Unknown option '--yes' (allowed: --summary-file, --help)"),
    );
    expect(() => parseCommandLine(DRIFT_COMMAND, ["prod", "--summary-file"])).toThrow(
      new UsageError(
        "Option '--summary-file <value>' argument missing (allowed: --summary-file, --help)",
      ),
    );
  });
});
