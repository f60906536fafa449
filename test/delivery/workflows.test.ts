// The GitHub Actions workflows are configuration that only runs on GitHub, so their contract is
// checked here, on the parsed YAML: triggers, least-privilege permissions, one job per stack,
// deploy order and approvals, concurrency, where secrets may appear, pinned actions.
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const ROOT = path.resolve(__dirname, "../..");
const WORKFLOWS = path.join(ROOT, ".github/workflows");
const STACKS = ["dev", "staging", "prod"];

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
  needs?: string | string[];
  if?: string;
  environment?: string | { name: string; url?: string };
  permissions?: Record<string, string> | string;
  concurrency?: { group: string; "cancel-in-progress"?: boolean };
  strategy?: { matrix?: { stack?: string[] }; "fail-fast"?: boolean };
  env?: Record<string, unknown>;
  steps: Step[];
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
const FILES = ["preview.yml", "up.yml", "drift.yml"];
const workflows = Object.fromEntries(FILES.map((f) => [f, load(f)])) as Record<string, Workflow>;
const preview = workflows["preview.yml"] as Workflow;
const up = workflows["up.yml"] as Workflow;
const drift = workflows["drift.yml"] as Workflow;

function job(workflow: Workflow, id: string): Job {
  const found = workflow.jobs[id];
  if (!found) throw new Error(`no job ${id}`);
  return found;
}

const action = (step: Step) => step.uses?.split("@")[0];
const pulumiStep = (j: Job) => {
  const step = j.steps.find((s) => action(s) === "pulumi/actions" && s.with?.command);
  if (!step) throw new Error("no pulumi/actions step with a command");
  return step;
};
const stepIndex = (j: Job, predicate: (s: Step) => boolean) => j.steps.findIndex(predicate);
const runs = (command: string) => (s: Step) => s.run?.trim() === command;
const isNpmCi = (s: Step) => /^npm ci\b/.test(s.run?.trim() ?? "");

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
/** The variables the Pulumi step reads its credentials from. */
const PULUMI_SECRETS = [
  "PULUMI_ACCESS_TOKEN",
  "PULUMI_CONFIG_PASSPHRASE",
  "HEROKU_API_KEY",
  "GODADDY_API_KEY",
  "GODADDY_API_SECRET",
];
/** Deploy credentials: secrets of the dev/staging/production environments, for up.yml only. */
const DEPLOY_SECRETS = [...PULUMI_SECRETS, "GOOGLE_CREDENTIALS"];
/** Preview credentials: secrets of the <stack>-preview and <stack>-drift environments. */
const PREVIEW_SECRETS = DEPLOY_SECRETS.map((name) => `PREVIEW_${name}`);
/** The GitHub environment each up job deploys through. */
const DEPLOY_ENVIRONMENTS: Record<string, string> = {
  dev: "dev",
  staging: "staging",
  prod: "production",
};

/** All jobs that talk to the stacks, across the three workflows, and the secrets they may use. */
const pulumiJobs: [string, Job, "deploy" | "preview"][] = [
  ...STACKS.map((s) => [`up.yml ${s}`, job(up, s), "deploy"] as [string, Job, "deploy"]),
  ["preview.yml preview", job(preview, "preview"), "preview"],
  ["drift.yml drift", job(drift, "drift"), "preview"],
];
/** The secret a variable or input takes in a job of that kind. */
const secretFor = (kind: "deploy" | "preview", name: string) =>
  kind === "deploy" ? name : `PREVIEW_${name}`;
/** Names of every secret a job references, wherever in the job. */
const secretsOf = (j: Job) =>
  [...JSON.stringify(j).matchAll(new RegExp(SECRET_REF.source, "g"))].map((m) => m[1] ?? "");
/** The job's environment name for one matrix stack, with `${{ matrix.stack }}` substituted. */
const environmentOf = (j: Job, stack?: string) => {
  const env = typeof j.environment === "string" ? j.environment : j.environment?.name;
  return env?.replace("${{ matrix.stack }}", stack ?? "");
};

const README = readFileSync(path.join(ROOT, "README.md"), "utf8");

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
});

describe("permissions", () => {
  it("grant only contents: read at workflow level", () => {
    for (const file of FILES) {
      expect(workflows[file]?.permissions, file).toEqual({ contents: "read" });
    }
  });

  it("never grant write-all or read-all, and jobs raise only the scopes they use", () => {
    for (const file of FILES) {
      expect(raw(file)).not.toMatch(/write-all|read-all/);
      for (const [id, j] of Object.entries(workflows[file]?.jobs ?? {})) {
        const granted = j.permissions ?? {};
        expect(typeof granted, `${file} ${id}`).toBe("object");
        for (const [scope, level] of Object.entries(granted)) {
          expect(
            [`contents:read`, `pull-requests:write`, `id-token:write`],
            `${file} ${id} ${scope}`,
          ).toContain(`${scope}:${level}`);
        }
        const comments = j.steps.some((s) => s.with?.["comment-on-pr"] === true);
        expect((granted as Record<string, string>)["pull-requests"], `${file} ${id}`).toBe(
          comments ? "write" : undefined,
        );
        const federates = j.steps.some((s) => s.with?.workload_identity_provider !== undefined);
        expect((granted as Record<string, string>)["id-token"], `${file} ${id}`).toBe(
          federates ? "write" : undefined,
        );
      }
    }
  });
});

describe("preview.yml", () => {
  const previewJob = job(preview, "preview");
  const testJob = job(preview, "test");

  it("has one preview job per stack and does not stop the others when one fails", () => {
    expect(previewJob.strategy?.matrix?.stack).toEqual(STACKS);
    expect(previewJob.strategy?.["fail-fast"]).toBe(false);
  });

  it("runs npm ci and the tests before any preview", () => {
    expect(previewJob.needs).toBe("test");
    const ci = stepIndex(testJob, isNpmCi);
    expect(ci).toBeGreaterThan(-1);
    expect(stepIndex(testJob, runs("npm test"))).toBeGreaterThan(ci);
    expect(stepIndex(previewJob, isNpmCi)).toBeLessThan(
      stepIndex(previewJob, (s) => s === pulumiStep(previewJob)),
    );
  });

  it("previews each stack with a refresh and the policy pack, commenting on the PR", () => {
    expect(pulumiStep(previewJob).with).toMatchObject({
      command: "preview",
      "stack-name": "${{ vars.PULUMI_ORG && format('{0}/', vars.PULUMI_ORG) }}${{ matrix.stack }}",
      "comment-on-pr": true,
      refresh: true,
      policyPacks: "policy",
    });
    expect(existsSync(path.join(ROOT, "policy/PulumiPolicy.yaml"))).toBe(true);
  });

  it("skips previews of fork pull requests, which get no secrets, with a notice instead", () => {
    expect(previewJob.if).toBe(
      "github.event.pull_request.head.repo.full_name == github.repository",
    );
    const notice = job(preview, "fork-notice");
    expect(notice.if).toBe("github.event.pull_request.head.repo.full_name != github.repository");
    const script = notice.steps.map((s) => s.run ?? "").join("\n");
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
  it("deploys dev, then staging, then prod, one job each", () => {
    expect(Object.keys(up.jobs)).toEqual(STACKS);
    expect(job(up, "dev").needs).toBeUndefined();
    // workflow_dispatch can name any branch; dev (and so everything after it) deploys main only.
    expect(job(up, "dev").if).toBe("github.ref == 'refs/heads/main'");
    expect(job(up, "staging").needs).toBe("dev");
    expect(job(up, "prod").needs).toBe("staging");
  });

  it("puts staging and prod behind the approval of their GitHub environments", () => {
    expect(job(up, "staging").environment).toBe("staging");
    expect(job(up, "prod").environment).toEqual({
      name: "production",
      url: "https://app.gyana.com",
    });
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

  it("runs `pulumi up` on its own stack with the policy pack", () => {
    for (const stack of STACKS) {
      expect(pulumiStep(job(up, stack)).with).toMatchObject({
        command: "up",
        "stack-name": `\${{ vars.PULUMI_ORG && format('{0}/', vars.PULUMI_ORG) }}${stack}`,
        policyPacks: "policy",
        refresh: true,
      });
    }
  });

  it("installs with npm ci in every job and runs the tests before the first up", () => {
    for (const stack of STACKS) {
      const j = job(up, stack);
      expect(stepIndex(j, isNpmCi)).toBeLessThan(stepIndex(j, (s) => s === pulumiStep(j)));
    }
    const dev = job(up, "dev");
    expect(stepIndex(dev, runs("npm test"))).toBeGreaterThan(stepIndex(dev, isNpmCi));
    expect(stepIndex(dev, runs("npm test"))).toBeLessThan(
      stepIndex(dev, (s) => s === pulumiStep(dev)),
    );
  });
});

describe("drift.yml", () => {
  const driftJob = job(drift, "drift");

  it("checks each stack with the drift tool, writing to the job summary", () => {
    expect(driftJob.strategy?.matrix?.stack).toEqual(STACKS);
    expect(driftJob.strategy?.["fail-fast"]).toBe(false);
    const check = driftJob.steps.find((s) => s.run?.includes("tools/drift.ts"));
    expect(check?.run).toBe(
      'npx tsx tools/drift.ts "$STACK" --summary-file "$GITHUB_STEP_SUMMARY"',
    );
    expect(check?.env?.STACK).toBe(
      "${{ vars.PULUMI_ORG && format('{0}/', vars.PULUMI_ORG) }}${{ matrix.stack }}",
    );
    expect(existsSync(path.join(ROOT, "tools/drift.ts"))).toBe(true);
  });

  it("installs the Pulumi CLI (pulumi/actions with no command) before the check", () => {
    const install = stepIndex(driftJob, (s) => action(s) === "pulumi/actions" && !s.with);
    const check = stepIndex(driftJob, (s) => s.run?.includes("tools/drift.ts") ?? false);
    expect(install).toBeGreaterThan(stepIndex(driftJob, isNpmCi));
    expect(check).toBeGreaterThan(install);
  });

  it("uses its own concurrency group, so it can never displace a waiting deploy", () => {
    expect(driftJob.concurrency?.group).toBe("drift-${{ matrix.stack }}");
  });
});

describe("concurrency across workflows", () => {
  it("reserves the pulumi-<stack> groups for up.yml", () => {
    const groups = [preview, drift].flatMap((w) => [
      w.concurrency?.group,
      ...Object.values(w.jobs).map((j) => j.concurrency?.group),
    ]);
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
    for (const file of FILES) {
      for (const [id, j] of Object.entries(workflows[file]?.jobs ?? {})) {
        for (const step of j.steps) {
          for (const [key, value] of [
            ...Object.entries(step.env ?? {}),
            ...Object.entries(step.with ?? {}),
          ]) {
            const refs = [...String(value).matchAll(SECRET_REF)].map((m) => m[1]);
            if (refs.length === 0) continue;
            expect(String(value).trim(), `${file} ${id} ${key}`).toBe(`\${{ secrets.${refs[0]} }}`);
            const kind = file === "up.yml" ? "deploy" : "preview";
            if (key === "credentials_json") {
              expect(refs[0]).toBe(secretFor(kind, "GOOGLE_CREDENTIALS"));
              expect(action(step)).toBe("google-github-actions/auth");
            } else {
              expect(refs[0], `${file} ${id} ${key}`).toBe(secretFor(kind, key));
              expect(PULUMI_SECRETS).toContain(key);
            }
          }
        }
      }
    }
  });

  it("reach only the steps that need them: Google auth, and the one step that runs Pulumi", () => {
    for (const [label, j, kind] of pulumiJobs) {
      const holders = j.steps.filter((s) =>
        strings({ env: s.env, with: s.with }).some((x) => x.text.includes("secrets.")),
      );
      expect(
        holders.map((s) => s.name),
        label,
      ).toEqual([
        "Google Cloud credentials (service account key)",
        expect.stringMatching(/^(pulumi (preview|up) |Drift check )/),
      ]);
      const pulumi = holders[1] as Step;
      expect(
        Object.keys(pulumi.env ?? {}).filter((k) => PULUMI_SECRETS.includes(k)),
        label,
      ).toEqual(PULUMI_SECRETS);
      for (const name of PULUMI_SECRETS) {
        expect(pulumi.env?.[name], label).toBe(`\${{ secrets.${secretFor(kind, name)} }}`);
      }
    }
    for (const id of ["test", "fork-notice"]) {
      expect(JSON.stringify(job(preview, id))).not.toContain("secrets.");
    }
  });

  it("are never printed: no run script mentions a secret's variable", () => {
    for (const file of FILES) {
      for (const j of Object.values(workflows[file]?.jobs ?? {})) {
        for (const step of j.steps) {
          for (const name of [...DEPLOY_SECRETS, ...PREVIEW_SECRETS]) {
            expect(step.run ?? "", `${file} ${step.name}`).not.toContain(name);
          }
        }
      }
    }
  });
});

describe("least privilege: preview and deploy credentials are apart", () => {
  const previewJob = job(preview, "preview");
  const driftJob = job(drift, "drift");

  it("preview and drift jobs never reference a deploy secret, only PREVIEW_* ones", () => {
    for (const file of ["preview.yml", "drift.yml"]) {
      for (const [id, j] of Object.entries(workflows[file]?.jobs ?? {})) {
        for (const name of secretsOf(j)) {
          expect(DEPLOY_SECRETS, `${file} ${id}`).not.toContain(name);
          expect(PREVIEW_SECRETS, `${file} ${id}`).toContain(name);
        }
      }
    }
    expect(secretsOf(previewJob).sort()).toEqual([...PREVIEW_SECRETS].sort());
    expect(secretsOf(driftJob).sort()).toEqual([...PREVIEW_SECRETS].sort());
  });

  it("runs each stack's preview in <stack>-preview, and prod's in the gated prod-preview", () => {
    expect(STACKS.map((s) => environmentOf(previewJob, s))).toEqual([
      "dev-preview",
      "staging-preview",
      "prod-preview",
    ]);
    // The gate itself is a setting on GitHub; the README is where it is specified.
    expect(README).toMatch(
      /\| `prod-preview` \| `preview\.yml`, job prod \| required reviewers, "prevent self-review" on;/,
    );
  });

  it("checks drift from main only, in <stack>-drift environments that admit only main", () => {
    expect(driftJob.if).toBe("github.ref == 'refs/heads/main'");
    expect(STACKS.map((s) => environmentOf(driftJob, s))).toEqual(STACKS.map((s) => `${s}-drift`));
    expect(README).toMatch(
      /\| `dev-drift`, `staging-drift`, `prod-drift` \| `drift\.yml` \| deployment branches: `main` \|/,
    );
  });

  it("up jobs take only deploy secrets, from their own environment, which no other job uses", () => {
    for (const stack of STACKS) {
      const j = job(up, stack);
      expect(environmentOf(j), stack).toBe(DEPLOY_ENVIRONMENTS[stack]);
      expect(secretsOf(j).sort(), stack).toEqual([...DEPLOY_SECRETS].sort());
    }
    const deployEnvironments = Object.values(DEPLOY_ENVIRONMENTS);
    for (const file of ["preview.yml", "drift.yml"]) {
      for (const [id, j] of Object.entries(workflows[file]?.jobs ?? {})) {
        for (const stack of STACKS) {
          expect(deployEnvironments, `${file} ${id}`).not.toContain(environmentOf(j, stack));
        }
      }
    }
    // Every job that reads a secret runs in an environment: no workflow relies on a repository
    // secret, which any workflow on any pushed branch could read.
    for (const file of FILES) {
      for (const [id, j] of Object.entries(workflows[file]?.jobs ?? {})) {
        if (secretsOf(j).length > 0) expect(environmentOf(j), `${file} ${id}`).toBeTruthy();
      }
    }
    expect(README).toContain("Set no secret at repository level");
    for (const env of deployEnvironments) {
      expect(README).toMatch(
        new RegExp(`\\| \`${env}\` \\| \`up\\.yml\`, job \\w+ \\|.*deployment branches: \`main\``),
      );
    }
  });

  describe("workload identity federation, as the README sets it up", () => {
    const REPO = "assertion.repository == '$REPO'";
    const list = (names: (string | undefined)[]) => `[${names.map((n) => `'${n}'`).join(", ")}]`;
    const pools = Object.fromEntries(
      [...README.matchAll(/^pool (\S+) "([^"]+)"$/gm)].map((m) => [m[1], m[2]]),
    );
    const bindings = (sa: string) => {
      const block = README.slice(README.indexOf(`\nsa ${sa} `)).split(/\n(?!\s)/)[1] ?? "";
      return [
        ...(`sa ${sa} ` + block).matchAll(
          /principalSet:\/\/[^"]+\/(github-[\w-]+)\/(attribute\.[\w]+\/[^"\s]+)/g,
        ),
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

    it("drift: main only, in the drift environments", () => {
      expect(pools["github-drift"]).toBe(
        `${REPO} && assertion.ref == 'refs/heads/main' && assertion.environment in ${list(
          STACKS.map((s) => environmentOf(driftJob, s)),
        )}`,
      );
    });

    it("maps the environment claim, and binds each service account to its own principals", () => {
      expect(README).toContain(
        '--attribute-mapping "google.subject=assertion.sub,attribute.repository=assertion.repository,attribute.environment=assertion.environment"',
      );
      expect(bindings("pulumi-deployer")).toEqual(["github-deploy attribute.repository/$REPO"]);
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
  });
});

describe("README", () => {
  it("links only to files that exist", () => {
    const links = [...README.matchAll(/\]\(([^)\s#]+)(#[^)]*)?\)/g)]
      .map((m) => m[1] ?? "")
      .filter((href) => !/^[a-z]+:/.test(href));
    expect(links.length).toBeGreaterThan(3);
    for (const href of links) {
      expect(existsSync(path.join(ROOT, href)), href).toBe(true);
    }
  });
});

describe("credentials", () => {
  it("come from workload identity federation when configured, else from a key, in every Pulumi job", () => {
    for (const [label, j, kind] of pulumiJobs) {
      const auth = j.steps.filter((s) => action(s) === "google-github-actions/auth");
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
          { credentials_json: `\${{ secrets.${secretFor(kind, "GOOGLE_CREDENTIALS")} }}` },
        ],
      ]);
      // The auth action writes its credentials file into the checkout, so it runs after it.
      expect(stepIndex(j, (s) => action(s) === "actions/checkout")).toBeLessThan(
        stepIndex(j, (s) => action(s) === "google-github-actions/auth"),
      );
    }
  });

  it("select the state backend by repository variable: Pulumi Cloud unless PULUMI_BACKEND_URL", () => {
    for (const [label, j] of pulumiJobs) {
      const step = j.steps.find((s) => s.name?.match(/^(pulumi (preview|up) |Drift check )/));
      const backend = step?.with?.["cloud-url"] ?? step?.env?.PULUMI_BACKEND_URL;
      expect(backend, label).toBe("${{ vars.PULUMI_BACKEND_URL }}");
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
      "actions/setup-node",
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
    "actions/checkout": ["persist-credentials"],
    "actions/setup-node": ["node-version-file", "cache"],
    "google-github-actions/auth": [
      "workload_identity_provider",
      "service_account",
      "credentials_json",
    ],
    "pulumi/actions": [
      "command",
      "stack-name",
      "cloud-url",
      "refresh",
      "diff",
      "comment-on-pr",
      "comment-on-summary",
      "policyPacks",
      "message",
    ],
  };

  it("are given only inputs they declare, and the checkout keeps no token", () => {
    for (const file of FILES) {
      for (const j of Object.values(workflows[file]?.jobs ?? {})) {
        for (const step of j.steps) {
          const name = action(step);
          if (!name) continue;
          for (const key of Object.keys(step.with ?? {})) {
            expect(INPUTS[name], `${file} ${name}`).toContain(key);
          }
          if (name === "actions/checkout") {
            expect(step.with?.["persist-credentials"]).toBe(false);
          }
          if (name === "actions/setup-node") {
            expect(step.with?.["node-version-file"]).toBe(".nvmrc");
          }
        }
      }
    }
  });
});
