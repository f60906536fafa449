// The GitHub Actions workflows are configuration that only runs on GitHub, so their contract is
// checked here, on the parsed YAML: triggers, least-privilege permissions, one job per stack,
// deploy order and approvals, the one required check, concurrency, which credential reaches
// which job (docs/security.md), pinned actions and Pulumi CLI, and the GitHub and Google setup in
// docs/deploying.md that the workflows rely on.
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const ROOT = path.resolve(__dirname, "../..");
const WORKFLOWS = path.join(ROOT, ".github/workflows");
const STACKS = ["dev", "staging", "prod"];
const CHECK_WORKFLOW = "./.github/workflows/check.yml";
const PULUMI_VERSION_FILE = ".github/pulumi-version";

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
  shell?: string;
}
interface Job {
  name?: string;
  "runs-on"?: string;
  /** A job that calls a reusable workflow has `uses` and no steps. */
  uses?: string;
  needs?: string | string[];
  if?: string;
  environment?: string | { name: string; url?: string };
  permissions?: Record<string, string> | string;
  concurrency?: { group: string; "cancel-in-progress"?: boolean };
  strategy?: { matrix?: { stack?: string[]; node?: string[] }; "fail-fast"?: boolean };
  env?: Record<string, unknown>;
  steps?: Step[];
}
interface Workflow {
  name: string;
  on: Record<string, unknown>;
  permissions?: Record<string, string> | string;
  concurrency?: { group: string; "cancel-in-progress"?: boolean };
  env?: Record<string, unknown>;
  jobs: Record<string, Job>;
}

const raw = (file: string) => readFileSync(path.join(WORKFLOWS, file), "utf8");
const load = (file: string) => parse(raw(file)) as Workflow;
const FILES = ["check.yml", "preview.yml", "up.yml", "drift.yml"];
const workflows = Object.fromEntries(FILES.map((f) => [f, load(f)])) as Record<string, Workflow>;
const check = workflows["check.yml"] as Workflow;
const preview = workflows["preview.yml"] as Workflow;
const up = workflows["up.yml"] as Workflow;
const drift = workflows["drift.yml"] as Workflow;
const DEPLOYING = readFileSync(path.join(ROOT, "docs/deploying.md"), "utf8");
const PREVIEW_SCRIPT = readFileSync(path.join(ROOT, ".github/scripts/preview.sh"), "utf8");

function job(workflow: Workflow, id: string): Job {
  const found = workflow.jobs[id];
  if (!found) throw new Error(`no job ${id}`);
  return found;
}
const stepsOf = (j: Job) => j.steps ?? [];
const action = (step: Step) => step.uses?.split("@")[0];
const pulumiStep = (j: Job) => {
  const step = stepsOf(j).find((s) => action(s) === "pulumi/actions" && s.with?.command);
  if (!step) throw new Error("no pulumi/actions step with a command");
  return step;
};
const stepIndex = (j: Job, predicate: (s: Step) => boolean) => stepsOf(j).findIndex(predicate);
const isNpmCi = (s: Step) => /^npm ci\b/.test(s.run?.trim() ?? "");
const allJobs = () =>
  FILES.flatMap((file) =>
    Object.entries(workflows[file]?.jobs ?? {}).map(([id, j]) => ({ file, id, job: j })),
  );

/** Every string in a document, with the path of keys that leads to it. */
function strings(
  value: unknown,
  at: (string | number)[] = [],
): { at: (string | number)[]; text: string }[] {
  if (typeof value === "string") return [{ at, text: value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, [...at, i]));
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => strings(v, [...at, k]));
  }
  return [];
}

const SECRET_REF = /\$\{\{\s*secrets\.([A-Za-z0-9_]+)\s*\}\}/g;
/** The state backend's credentials. */
const STATE_SECRETS = ["PULUMI_ACCESS_TOKEN", "PULUMI_CONFIG_PASSPHRASE"];
/** Heroku's and GoDaddy's: never in a job that runs a pull request's code. */
const SERVICE_SECRETS = ["HEROKU_API_KEY", "GODADDY_API_KEY", "GODADDY_API_SECRET"];
const PULUMI_SECRETS = [...STATE_SECRETS, ...SERVICE_SECRETS];
/** Deploy credentials: secrets of the dev/staging/production environments, for up.yml's ups. */
const DEPLOY_SECRETS = [...PULUMI_SECRETS, "GOOGLE_CREDENTIALS"];
/** Read-only credentials of the <stack>-drift environments (drift.yml, up.yml's prod plan). */
const READ_SECRETS = DEPLOY_SECRETS.map((name) => `PREVIEW_${name}`);
/** What a pull request's preview may hold: state read access and Google read access, no more. */
const PREVIEW_SECRETS = [...STATE_SECRETS, "GOOGLE_CREDENTIALS"].map((name) => `PREVIEW_${name}`);
const FORBIDDEN_IN_PREVIEW = SERVICE_SECRETS.map((name) => `PREVIEW_${name}`);
/** The GitHub environment each up job deploys through. */
const DEPLOY_ENVIRONMENTS: Record<string, string> = {
  dev: "dev",
  staging: "staging",
  prod: "production",
};

/** Names of every secret a job references, wherever in the job. */
const secretsOf = (j: Job) =>
  [...JSON.stringify(j).matchAll(new RegExp(SECRET_REF.source, "g"))].map((m) => m[1] ?? "");
/** The job's environment name for one matrix stack, with `${{ matrix.stack }}` substituted. */
const environmentOf = (j: Job, stack?: string) => {
  const env = typeof j.environment === "string" ? j.environment : j.environment?.name;
  return env?.replace("${{ matrix.stack }}", stack ?? "");
};
const needsOf = (j: Job) => (j.needs === undefined ? [] : [j.needs].flat());

describe("triggers", () => {
  it("previews pull requests to main", () => {
    expect(preview.on).toEqual({ pull_request: { branches: ["main"] } });
  });

  it("deploys pushes to main, and on demand", () => {
    expect(up.on).toEqual({ push: { branches: ["main"] }, workflow_dispatch: null });
  });

  it("checks drift daily and on demand", () => {
    expect(drift.on).toEqual({
      schedule: [{ cron: expect.stringMatching(/^\d+ \d+ \* \* \*$/) }],
      workflow_dispatch: null,
    });
  });

  it("runs the check only when a workflow calls it", () => {
    expect(check.on).toEqual({ workflow_call: null });
  });
});

describe("the required check: lint, types and tests on Node 20 and 24, once per PR and per merge", () => {
  const checkJob = job(check, "check");

  it("runs npm ci, lint (eslint, prettier, tsc) and the tests on both Node versions", () => {
    expect(checkJob.strategy).toEqual({ "fail-fast": false, matrix: { node: ["20", "24"] } });
    const setup = stepsOf(checkJob).find((s) => action(s) === "actions/setup-node");
    expect(setup?.with?.["node-version"]).toBe("${{ matrix.node }}");
    const runs = stepsOf(checkJob)
      .map((s) => s.run?.trim())
      .filter(Boolean);
    expect(runs).toEqual(["npm ci --no-audit --no-fund", "npm run lint", "npm test"]);
    const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts["lint"]).toMatch(/eslint .*prettier --check .*tsc --noEmit/);
    expect(readFileSync(path.join(ROOT, ".nvmrc"), "utf8").trim()).toMatch(/^20(\.|$)/);
  });

  it("is called exactly once by preview.yml and once by up.yml, and nothing else tests or lints", () => {
    const callers = allJobs().filter(({ job: j }) => j.uses === CHECK_WORKFLOW);
    expect(callers.map(({ file, id }) => `${file} ${id}`)).toEqual([
      "preview.yml check",
      "up.yml check",
    ]);
    for (const { file, id, job: j } of allJobs()) {
      if (file === "check.yml") continue;
      for (const step of stepsOf(j)) {
        expect(step.run ?? "", `${file} ${id}`).not.toMatch(/npm (test|run lint)|vitest|tsc/);
      }
    }
  });

  it("gates every preview and the first up", () => {
    expect(needsOf(job(preview, "preview"))).toEqual(["check"]);
    expect(needsOf(job(up, "dev"))).toEqual(["check"]);
    expect(job(up, "check").if).toBe("github.ref == 'refs/heads/main'");
  });
});

describe("permissions", () => {
  it("grant only contents: read at workflow level", () => {
    for (const file of FILES) {
      expect(workflows[file]?.permissions, file).toEqual({ contents: "read" });
    }
  });

  it("never grant write-all or read-all, and jobs raise only the scopes they use", () => {
    for (const { file, id, job: j } of allJobs()) {
      expect(raw(file)).not.toMatch(/write-all|read-all/);
      const granted = (j.permissions ?? {}) as Record<string, string>;
      expect(typeof granted, `${file} ${id}`).toBe("object");
      for (const [scope, level] of Object.entries(granted)) {
        expect(
          [`contents:read`, `pull-requests:write`, `id-token:write`],
          `${file} ${id} ${scope}`,
        ).toContain(`${scope}:${level}`);
      }
      const federates = stepsOf(j).some((s) => s.with?.workload_identity_provider !== undefined);
      expect(granted["id-token"], `${file} ${id}`).toBe(federates ? "write" : undefined);
    }
  });

  it("give pull-requests: write only to the comment job, which runs none of the pull request's code", () => {
    const writers = allJobs().filter(
      ({ job: j }) => (j.permissions as Record<string, string> | undefined)?.["pull-requests"],
    );
    expect(writers.map(({ file, id }) => `${file} ${id}`)).toEqual(["preview.yml comment"]);
    const comment = job(preview, "comment");
    expect(comment.permissions).toEqual({ "pull-requests": "write" });
    // No checkout, no install, no action but the artifact download: only the workflow's own script.
    expect(
      stepsOf(comment)
        .map((s) => action(s))
        .filter(Boolean),
    ).toEqual(["actions/download-artifact"]);
    const script = stepsOf(comment)
      .map((s) => s.run ?? "")
      .join("\n");
    // No command of the repository runs: no npm, node, bash of a file, pulumi or ./script.
    expect(script).not.toMatch(/^\s*(npm|npx|node|bash|sh|pulumi|make)\b|\.\//m);
    // The previews reach it only as a comment body read from a file.
    expect(script).toContain('-F "body=@${body}"');
    expect(secretsOf(comment)).toEqual([]);
    // And no job that runs code of the pull request may comment through pulumi/actions either.
    for (const { file, id, job: j } of allJobs()) {
      for (const step of stepsOf(j)) {
        expect(step.with?.["comment-on-pr"], `${file} ${id}`).toBeUndefined();
      }
    }
  });
});

describe("preview.yml", () => {
  const previewJob = job(preview, "preview");
  const comment = job(preview, "comment");

  it("has one preview job per stack and does not stop the others when one fails", () => {
    expect(previewJob.strategy?.matrix?.stack).toEqual(STACKS);
    expect(previewJob.strategy?.["fail-fast"]).toBe(false);
  });

  it("previews with the one preview script, without --refresh, with the base branch's policy pack", () => {
    const run = stepsOf(previewJob).find((s) => s.run?.includes(".github/scripts/preview.sh"));
    expect(run?.run).toBe('bash .github/scripts/preview.sh "$STACK" .base/policy preview.txt');
    expect(run?.env?.["STACK"]).toBe(
      "${{ vars.PULUMI_ORG && format('{0}/', vars.PULUMI_ORG) }}${{ matrix.stack }}",
    );
    const base = stepsOf(previewJob).find(
      (s) => action(s) === "actions/checkout" && s.with?.["path"] === ".base",
    );
    expect(base?.with).toEqual({
      ref: "${{ github.event.pull_request.base.sha }}",
      path: ".base",
      "persist-credentials": false,
    });
    expect(
      stepIndex(previewJob, (s) => s.run === "npm ci --no-audit --no-fund --prefix .base"),
    ).toBeLessThan(stepIndex(previewJob, (s) => s === run));
    expect(stepsOf(previewJob).some((s) => s.with?.command)).toBe(false);
    expect(JSON.stringify(previewJob)).not.toMatch(/refresh/);
  });

  it("the script is the laptop's command too: no refresh, Heroku and GoDaddy credentials unset", () => {
    expect(PREVIEW_SCRIPT).toContain(
      'args=(preview --stack "$stack" --diff --non-interactive --policy-pack "$pack")',
    );
    expect(
      PREVIEW_SCRIPT.split("\n")
        .filter((l) => !l.startsWith("#"))
        .join("\n"),
    ).not.toMatch(/--refresh/);
    expect(PREVIEW_SCRIPT).toContain(
      "unset HEROKU_API_KEY HEROKU_API_URL GODADDY_API_KEY GODADDY_API_SECRET GODADDY_API_URL",
    );
    expect(DEPLOYING).toContain("bash .github/scripts/preview.sh prod");
  });

  it("holds no Heroku or GoDaddy secret in any job, only read access to state and Google", () => {
    for (const [id, j] of Object.entries(preview.jobs)) {
      const names = secretsOf(j);
      for (const name of [...SERVICE_SECRETS, ...FORBIDDEN_IN_PREVIEW]) {
        expect(names, `preview.yml ${id}`).not.toContain(name);
      }
      expect(JSON.stringify(j), `preview.yml ${id}`).not.toMatch(/HEROKU|GODADDY/);
    }
    expect(secretsOf(previewJob).sort()).toEqual([...PREVIEW_SECRETS].sort());
  });

  it("keeps each stack's preview as an artifact that the comment job posts, one comment per stack", () => {
    const upload = stepsOf(previewJob).find((s) => action(s) === "actions/upload-artifact");
    expect(upload?.if).toBe("${{ !cancelled() }}");
    expect(upload?.with).toMatchObject({
      name: "preview-${{ matrix.stack }}",
      path: "preview.txt",
    });
    expect(needsOf(comment)).toEqual(["preview"]);
    expect(comment.if).toBe("${{ !cancelled() && needs.preview.result != 'skipped' }}");
    const download = stepsOf(comment).find((s) => action(s) === "actions/download-artifact");
    expect(download?.with).toEqual({ pattern: "preview-*", path: "previews" });
    const script = stepsOf(comment)
      .map((s) => s.run ?? "")
      .join("\n");
    expect(script).toContain('marker="<!-- gyana-infra preview: ${stack} -->"');
    expect(script).toContain("--method PATCH");
  });

  it("skips previews of fork pull requests, which get no secrets, with a notice instead", () => {
    expect(previewJob.if).toBe(
      "github.event.pull_request.head.repo.full_name == github.repository",
    );
    const notice = job(preview, "fork-notice");
    expect(notice.if).toBe("github.event.pull_request.head.repo.full_name != github.repository");
    const script = stepsOf(notice)
      .map((s) => s.run ?? "")
      .join("\n");
    expect(script).toContain("::notice");
    expect(script).toContain("GITHUB_STEP_SUMMARY");
    expect(script).toContain("pull requests from forks get no preview credentials");
  });

  it("cancels superseded previews of the same PR, in a group no deploy uses", () => {
    expect(preview.concurrency).toEqual({
      group: "preview-${{ github.event.pull_request.number }}",
      "cancel-in-progress": true,
    });
  });
});

describe("up.yml", () => {
  const plan = job(up, "prod-plan");
  const prod = job(up, "prod");

  it("checks once, then deploys dev, then staging, then plans prod, then applies that plan", () => {
    expect(Object.keys(up.jobs)).toEqual(["check", "dev", "staging", "prod-plan", "prod"]);
    expect(job(up, "check").uses).toBe(CHECK_WORKFLOW);
    expect(needsOf(job(up, "dev"))).toEqual(["check"]);
    expect(needsOf(job(up, "staging"))).toEqual(["dev"]);
    expect(needsOf(plan)).toEqual(["staging"]);
    expect(needsOf(prod)).toEqual(["prod-plan"]);
  });

  it("puts staging and prod behind the approval of their GitHub environments", () => {
    expect(job(up, "staging").environment).toBe("staging");
    expect(prod.environment).toEqual({ name: "production", url: "https://app.gyana.com" });
    expect(job(up, "dev").environment).toBe("dev");
  });

  it("never runs two ups of one stack at once, and never cancels one in flight", () => {
    for (const stack of STACKS) {
      expect(job(up, stack).concurrency).toEqual({
        group: `pulumi-${stack}`,
        "cancel-in-progress": false,
      });
    }
    expect(up.concurrency).toBeUndefined();
  });

  it("runs `pulumi up --refresh` on its own stack with the policy pack", () => {
    for (const stack of STACKS) {
      expect(pulumiStep(job(up, stack)).with).toMatchObject({
        command: "up",
        "stack-name": `\${{ vars.PULUMI_ORG && format('{0}/', vars.PULUMI_ORG) }}${stack}`,
        policyPacks: "policy",
        refresh: true,
      });
    }
  });

  it("production applies exactly the plan its reviewers read: preview --save-plan, then up --plan", () => {
    expect(pulumiStep(plan).with).toMatchObject({
      command: "preview",
      "stack-name": "${{ vars.PULUMI_ORG && format('{0}/', vars.PULUMI_ORG) }}prod",
      refresh: true,
      policyPacks: "policy",
      "comment-on-summary": true,
      plan: "prod.plan.json",
    });
    const upload = stepsOf(plan).find((s) => action(s) === "actions/upload-artifact");
    expect(upload?.with).toMatchObject({ name: "prod-plan", path: "prod.plan.json" });
    expect(stepIndex(plan, (s) => s === upload)).toBeGreaterThan(
      stepIndex(plan, (s) => s === pulumiStep(plan)),
    );
    const download = stepsOf(prod).find((s) => action(s) === "actions/download-artifact");
    expect(download?.with).toEqual({ name: "prod-plan" });
    expect(stepIndex(prod, (s) => s === download)).toBeLessThan(
      stepIndex(prod, (s) => s === pulumiStep(prod)),
    );
    // Same refresh choice on both sides, or the up would see another state than the plan did.
    expect(pulumiStep(prod).with).toMatchObject({
      command: "up",
      refresh: true,
      plan: "prod.plan.json",
    });
    // Only the up of prod is constrained by a plan; dev and staging have no plan to apply.
    for (const stack of ["dev", "staging"]) {
      expect(pulumiStep(job(up, stack)).with?.["plan"]).toBeUndefined();
    }
  });

  it("plans with main-only read credentials, never with production's deploy ones", () => {
    expect(environmentOf(plan)).toBe("prod-drift");
    expect(secretsOf(plan).sort()).toEqual([...READ_SECRETS].sort());
    expect(plan.concurrency?.group).toBe("plan-prod");
  });

  it("installs with npm ci in every job before Pulumi runs", () => {
    for (const id of [...STACKS, "prod-plan"]) {
      const j = job(up, id);
      expect(stepIndex(j, isNpmCi)).toBeGreaterThan(-1);
      expect(stepIndex(j, isNpmCi)).toBeLessThan(stepIndex(j, (s) => s === pulumiStep(j)));
    }
  });
});

describe("drift.yml", () => {
  const driftJob = job(drift, "drift");

  it("checks each stack with the drift tool, writing to the job summary", () => {
    expect(driftJob.strategy?.matrix?.stack).toEqual(STACKS);
    expect(driftJob.strategy?.["fail-fast"]).toBe(false);
    const run = stepsOf(driftJob).find((s) => s.run?.includes("tools/drift.ts"));
    expect(run?.run).toBe('npx tsx tools/drift.ts "$STACK" --summary-file "$GITHUB_STEP_SUMMARY"');
    expect(run?.env?.["STACK"]).toBe(
      "${{ vars.PULUMI_ORG && format('{0}/', vars.PULUMI_ORG) }}${{ matrix.stack }}",
    );
    expect(existsSync(path.join(ROOT, "tools/drift.ts"))).toBe(true);
  });

  it("installs the pinned Pulumi CLI (pulumi/actions with no command) before the check", () => {
    const install = stepIndex(
      driftJob,
      (s) => action(s) === "pulumi/actions" && s.with?.["command"] === undefined,
    );
    const run = stepIndex(driftJob, (s) => s.run?.includes("tools/drift.ts") ?? false);
    expect(install).toBeGreaterThan(stepIndex(driftJob, isNpmCi));
    expect(run).toBeGreaterThan(install);
  });

  it("uses its own concurrency group, so it can never displace a waiting deploy", () => {
    expect(driftJob.concurrency?.group).toBe("drift-${{ matrix.stack }}");
  });
});

describe("concurrency across workflows", () => {
  it("reserves the pulumi-<stack> groups for up.yml's ups", () => {
    const groups = [preview, drift].flatMap((w) => [
      w.concurrency?.group,
      ...Object.values(w.jobs).map((j) => j.concurrency?.group),
    ]);
    groups.push(job(up, "prod-plan").concurrency?.group);
    for (const group of groups) {
      expect(group ?? "").not.toMatch(/^pulumi-/);
    }
  });
});

describe("secrets", () => {
  it("appear only as a step's env or with value, never in run scripts or job/workflow env", () => {
    for (const file of FILES) {
      for (const { at, text } of strings(workflows[file])) {
        if (!SECRET_REF.test(text)) continue;
        SECRET_REF.lastIndex = 0;
        const where = at.join(".");
        expect(where, file).toMatch(/^jobs\.[\w-]+\.steps\.\d+\.(env|with)\.[\w-]+$/);
      }
    }
  });

  it("are wired to the variable or input of the same purpose, one secret per value", () => {
    for (const { file, id, job: j } of allJobs()) {
      for (const step of stepsOf(j)) {
        for (const [key, value] of [
          ...Object.entries(step.env ?? {}),
          ...Object.entries(step.with ?? {}),
        ]) {
          const refs = [...String(value).matchAll(SECRET_REF)].map((m) => m[1]);
          if (refs.length === 0) continue;
          expect(String(value).trim(), `${file} ${id} ${key}`).toBe(`\${{ secrets.${refs[0]} }}`);
          const name = key === "credentials_json" ? "GOOGLE_CREDENTIALS" : key;
          expect([name, `PREVIEW_${name}`], `${file} ${id} ${key}`).toContain(refs[0]);
          if (key === "credentials_json") expect(action(step)).toBe("google-github-actions/auth");
          else expect(PULUMI_SECRETS).toContain(key);
        }
      }
    }
  });

  it("reach only the steps that need them: Google auth, and the one step that runs Pulumi", () => {
    for (const { file, id, job: j } of allJobs()) {
      const holders = stepsOf(j).filter((s) =>
        strings({ env: s.env, with: s.with }).some((x) => x.text.includes("secrets.")),
      );
      if (holders.length === 0) continue;
      expect(
        holders.map((s) => s.name),
        `${file} ${id}`,
      ).toEqual([
        "Google Cloud credentials (service account key)",
        expect.stringMatching(/^(pulumi (preview|up) |Drift check )/),
      ]);
    }
  });

  it("are never printed: no run script mentions a secret's variable", () => {
    for (const { file, job: j } of allJobs()) {
      for (const step of stepsOf(j)) {
        for (const name of [...DEPLOY_SECRETS, ...READ_SECRETS]) {
          expect(step.run ?? "", `${file} ${step.name}`).not.toContain(name);
        }
      }
    }
  });
});

describe("least privilege: each job holds only its own environment's credentials", () => {
  const previewJob = job(preview, "preview");
  const driftJob = job(drift, "drift");

  it("drift jobs hold the read-only set, from main only", () => {
    expect(secretsOf(driftJob).sort()).toEqual([...READ_SECRETS].sort());
    expect(driftJob.if).toBe("github.ref == 'refs/heads/main'");
    expect(STACKS.map((s) => environmentOf(driftJob, s))).toEqual(STACKS.map((s) => `${s}-drift`));
  });

  it("each up job takes only deploy secrets, from its own environment, which no other job uses", () => {
    for (const stack of STACKS) {
      const j = job(up, stack);
      expect(environmentOf(j), stack).toBe(DEPLOY_ENVIRONMENTS[stack]);
      expect(secretsOf(j).sort(), stack).toEqual([...DEPLOY_SECRETS].sort());
    }
    const deployEnvironments = Object.values(DEPLOY_ENVIRONMENTS);
    for (const { file, id, job: j } of allJobs()) {
      if (file === "up.yml" && STACKS.includes(id)) continue;
      for (const stack of STACKS) {
        expect(deployEnvironments, `${file} ${id}`).not.toContain(environmentOf(j, stack));
      }
      for (const name of DEPLOY_SECRETS) {
        expect(secretsOf(j), `${file} ${id}`).not.toContain(name);
      }
    }
    // Every job that reads a secret runs in an environment: no workflow relies on a repository
    // secret, which any workflow on any pushed branch could read.
    for (const { file, id, job: j } of allJobs()) {
      if (secretsOf(j).length > 0) expect(environmentOf(j), `${file} ${id}`).toBeTruthy();
    }
    expect(DEPLOYING).toContain("Set no secret at repository level");
  });

  it("specifies each environment's protection in docs/deploying.md", () => {
    expect(STACKS.map((s) => environmentOf(previewJob, s))).toEqual([
      "dev-preview",
      "staging-preview",
      "prod-preview",
    ]);
    expect(DEPLOYING).toMatch(
      /\| `prod-preview` \| `preview\.yml`, job prod \| required reviewers, "prevent self-review" on;/,
    );
    expect(DEPLOYING).toMatch(
      /\| `dev-drift`, `staging-drift`, `prod-drift` \| `drift\.yml`; `prod-drift` also `up\.yml`'s plan job \| deployment branches: `main` \|/,
    );
    for (const env of Object.values(DEPLOY_ENVIRONMENTS)) {
      expect(DEPLOYING).toMatch(
        new RegExp(`\\| \`${env}\` \\| \`up\\.yml\`, job \\w+ \\|.*deployment branches: \`main\``),
      );
    }
    expect(DEPLOYING).toMatch(
      /\| `production` \| `up\.yml`, job prod \| required reviewers, "prevent self-review" on;/,
    );
  });

  describe("workload identity federation, as docs/deploying.md sets it up", () => {
    const REPO = "assertion.repository == '$REPO'";
    const list = (names: (string | undefined)[]) => `[${names.map((n) => `'${n}'`).join(", ")}]`;
    const pools = Object.fromEntries(
      [...DEPLOYING.matchAll(/^pool (\S+) "([^"]+)"$/gm)].map((m) => [m[1], m[2]]),
    );
    /** `pool attribute.x/value` of every principal bound to a service account. */
    const bindings = (sa: string) => {
      const start = DEPLOYING.indexOf(`\nsa ${sa} `);
      expect(start, sa).toBeGreaterThan(-1);
      const block = DEPLOYING.slice(start + 1).split(/\n(?!\s)/)[0] ?? "";
      return [
        ...block.matchAll(/principalSet:\/\/[^"]+\/(github-[\w-]+)\/(attribute\.[\w]+\/[^"\s]+)/g),
      ].map((m) => `${m[1]} ${m[2]}`);
    };

    it("has three pools, one per kind of job", () => {
      expect(Object.keys(pools).sort()).toEqual([
        "github-deploy",
        "github-drift",
        "github-preview",
      ]);
    });

    it("deploy: main only, in the environments up.yml deploys through", () => {
      expect(pools["github-deploy"]).toBe(
        `${REPO} && assertion.ref == 'refs/heads/main' && assertion.environment in ${list(
          STACKS.map((s) => environmentOf(job(up, s))),
        )}`,
      );
    });

    it("preview: pull_request events of this repository only, in the preview environments", () => {
      expect(pools["github-preview"]).toBe(
        `${REPO} && assertion.event_name == 'pull_request' && assertion.environment in ${list(
          STACKS.map((s) => environmentOf(previewJob, s)),
        )}`,
      );
    });

    it("drift: main only, in the drift environments (the prod plan's too)", () => {
      expect(pools["github-drift"]).toBe(
        `${REPO} && assertion.ref == 'refs/heads/main' && assertion.environment in ${list(
          STACKS.map((s) => environmentOf(driftJob, s)),
        )}`,
      );
      expect(STACKS.map((s) => environmentOf(driftJob, s))).toContain(
        environmentOf(job(up, "prod-plan")),
      );
    });

    it("maps the environment claim, and binds one deploy identity to each environment only", () => {
      expect(DEPLOYING).toContain(
        '--attribute-mapping "google.subject=assertion.sub,attribute.repository=assertion.repository,attribute.environment=assertion.environment"',
      );
      for (const stack of STACKS) {
        expect(bindings(`pulumi-deploy-${stack}`)).toEqual([
          `github-deploy attribute.environment/${environmentOf(job(up, stack))}`,
        ]);
      }
      // No identity that any environment could use: nothing bound by repository alone.
      expect(DEPLOYING).not.toMatch(/principalSet:\/\/[^"]+\/attribute\.repository\//);
      expect(bindings("pulumi-preview")).toEqual([
        "github-preview attribute.environment/dev-preview",
        "github-preview attribute.environment/staging-preview",
        "github-drift attribute.environment/dev-drift",
        "github-drift attribute.environment/staging-drift",
      ]);
      expect(bindings("pulumi-preview-prod")).toEqual([
        "github-preview attribute.environment/prod-preview",
        "github-drift attribute.environment/prod-drift",
      ]);
    });

    it("names each environment's service account in its GCP_SERVICE_ACCOUNT variable", () => {
      expect(DEPLOYING).toContain(
        "`pulumi-deploy-dev@…`, `pulumi-deploy-staging@…`, `pulumi-deploy-prod@…` for the deploy environments",
      );
    });
  });
});

describe("credentials", () => {
  const pulumiJobs = allJobs().filter(({ job: j }) =>
    stepsOf(j).some((s) => s.name?.match(/^(pulumi (preview|up) |Drift check )/)),
  );

  it("come from workload identity federation when configured, else from a key, in every Pulumi job", () => {
    expect(pulumiJobs.map(({ file, id }) => `${file} ${id}`)).toEqual([
      "preview.yml preview",
      "up.yml dev",
      "up.yml staging",
      "up.yml prod-plan",
      "up.yml prod",
      "drift.yml drift",
    ]);
    for (const { file, id, job: j } of pulumiJobs) {
      const label = `${file} ${id}`;
      const auth = stepsOf(j).filter((s) => action(s) === "google-github-actions/auth");
      const key =
        file === "up.yml" && id !== "prod-plan"
          ? "GOOGLE_CREDENTIALS"
          : "PREVIEW_GOOGLE_CREDENTIALS";
      expect(
        auth.map((s) => [s.if, s.with]),
        label,
      ).toEqual([
        [
          "vars.GCP_WORKLOAD_IDENTITY_PROVIDER != ''",
          {
            workload_identity_provider: "${{ vars.GCP_WORKLOAD_IDENTITY_PROVIDER }}",
            service_account: "${{ vars.GCP_SERVICE_ACCOUNT }}",
          },
        ],
        [
          "vars.GCP_WORKLOAD_IDENTITY_PROVIDER == ''",
          { credentials_json: `\${{ secrets.${key} }}` },
        ],
      ]);
      // The auth action writes its credentials file into the checkout, so it runs after it.
      expect(stepIndex(j, (s) => action(s) === "actions/checkout")).toBeLessThan(
        stepIndex(j, (s) => action(s) === "google-github-actions/auth"),
      );
    }
  });

  it("select the state backend by variable: Pulumi Cloud unless PULUMI_BACKEND_URL", () => {
    for (const { file, id, job: j } of pulumiJobs) {
      const step = stepsOf(j).find((s) => s.name?.match(/^(pulumi (preview|up) |Drift check )/));
      const backend = step?.with?.["cloud-url"] ?? step?.env?.["PULUMI_BACKEND_URL"];
      expect(backend, `${file} ${id}`).toBe("${{ vars.PULUMI_BACKEND_URL }}");
    }
  });
});

describe("the Pulumi CLI", () => {
  it("is pinned wherever pulumi/actions installs it, to the @pulumi/pulumi version of package.json", () => {
    const pulumiSteps = allJobs().flatMap(({ job: j }) =>
      stepsOf(j).filter((s) => action(s) === "pulumi/actions"),
    );
    expect(pulumiSteps.length).toBeGreaterThanOrEqual(6);
    for (const step of pulumiSteps) {
      expect(step.with?.["pulumi-version-file"], step.name).toBe(PULUMI_VERSION_FILE);
      expect(step.with?.["pulumi-version"], step.name).toBeUndefined();
    }
    const pinned = readFileSync(path.join(ROOT, PULUMI_VERSION_FILE), "utf8").trim();
    const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
      dependencies?: Record<string, string>;
      devDependencies?: Record<string, string>;
    };
    const sdk = pkg.dependencies?.["@pulumi/pulumi"] ?? pkg.devDependencies?.["@pulumi/pulumi"];
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
    expect(pinned).toBe(sdk);
  });
});

describe("CODEOWNERS", () => {
  it("puts policy/, .github/ and the stack files under their owners' review", () => {
    const lines = readFileSync(path.join(ROOT, ".github/CODEOWNERS"), "utf8")
      .split("\n")
      .filter((l) => l.trim() !== "" && !l.startsWith("#"))
      .map((l) => l.trim().split(/\s+/));
    const owned = Object.fromEntries(lines.map(([pattern, ...owners]) => [pattern, owners]));
    for (const pattern of ["/policy/", "/.github/", "/Pulumi.*.yaml", "/Pulumi.yaml"]) {
      expect(owned[pattern], pattern).toEqual([expect.stringMatching(/^@[\w-]+\/[\w-]+$/)]);
    }
    expect(DEPLOYING).toContain('"Require review from Code Owners"');
  });
});

describe("docs", () => {
  it("README and docs/deploying.md link only to files that exist", () => {
    for (const [file, text] of [
      ["README.md", readFileSync(path.join(ROOT, "README.md"), "utf8")],
      ["docs/deploying.md", DEPLOYING],
      ["docs/security.md", readFileSync(path.join(ROOT, "docs/security.md"), "utf8")],
    ] as const) {
      const links = [...text.matchAll(/\]\(([^)\s#]+)(#[^)]*)?\)/g)]
        .map((m) => m[1] ?? "")
        .filter((href) => !/^[a-z]+:/.test(href));
      expect(links.length, file).toBeGreaterThan(1);
      for (const href of links) {
        expect(existsSync(path.join(ROOT, path.dirname(file), href)), `${file}: ${href}`).toBe(
          true,
        );
      }
    }
  });
});

describe("actions", () => {
  const USES = /^\s*(?:-\s+)?uses:\s*([^\s#]+)(?:\s*#\s*(\S+))?/;
  const all = FILES.flatMap((file) =>
    raw(file)
      .split("\n")
      .map((line) => USES.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .filter((m) => !(m[1] ?? "").startsWith("./"))
      .map((m) => ({ file, ref: m[1] ?? "", comment: m[2] })),
  );

  it("are pinned to full commit SHAs with the release named in a comment", () => {
    expect(all.length).toBeGreaterThan(10);
    for (const { file, ref, comment } of all) {
      expect(ref, file).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
      expect(comment, `${file} ${ref}`).toMatch(/^v\d+\.\d+\.\d+$/);
    }
  });

  it("pin each action to one SHA everywhere", () => {
    const shas = new Map<string, Set<string>>();
    for (const { ref, comment } of all) {
      const [name] = ref.split("@");
      shas.set(name ?? "", (shas.get(name ?? "") ?? new Set()).add(`${ref} ${comment}`));
    }
    for (const [name, refs] of shas) {
      expect(refs.size, name).toBe(1);
    }
    expect([...shas.keys()].sort()).toEqual([
      "actions/checkout",
      "actions/download-artifact",
      "actions/setup-node",
      "actions/upload-artifact",
      "google-github-actions/auth",
      "pulumi/actions",
    ]);
  });

  it("are kept current by Dependabot", () => {
    const config = parse(readFileSync(path.join(ROOT, ".github/dependabot.yml"), "utf8"));
    expect(config.updates).toContainEqual(
      expect.objectContaining({ "package-ecosystem": "github-actions", directory: "/" }),
    );
  });

  // Inputs of the pinned releases (their action.yml); a misspelt input is silently ignored.
  const INPUTS: Record<string, string[]> = {
    "actions/checkout": ["persist-credentials", "ref", "path"],
    "actions/setup-node": ["node-version-file", "node-version", "cache"],
    "actions/upload-artifact": ["name", "path", "if-no-files-found", "retention-days"],
    "actions/download-artifact": ["name", "pattern", "path"],
    "google-github-actions/auth": [
      "workload_identity_provider",
      "service_account",
      "credentials_json",
    ],
    "pulumi/actions": [
      "command",
      "stack-name",
      "cloud-url",
      "pulumi-version-file",
      "refresh",
      "diff",
      "comment-on-summary",
      "policyPacks",
      "plan",
      "message",
    ],
  };

  it("are given only inputs they declare, and the checkout keeps no token", () => {
    for (const { file, job: j } of allJobs()) {
      for (const step of stepsOf(j)) {
        const name = action(step);
        if (!name) continue;
        for (const key of Object.keys(step.with ?? {})) {
          expect(INPUTS[name], `${file} ${name}`).toContain(key);
        }
        if (name === "actions/checkout") {
          expect(step.with?.["persist-credentials"]).toBe(false);
        }
        if (name === "actions/setup-node" && step.with?.["node-version"] === undefined) {
          expect(step.with?.["node-version-file"]).toBe(".nvmrc");
        }
      }
    }
  });
});
