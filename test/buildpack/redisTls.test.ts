// The Redis TLS buildpack (buildpacks/redis-tls): its .profile.d script run by bash on the REDIS_URL
// shapes Heroku hands out, its bin/compile on a throw-away build dir, and the committed archive the
// stack publishes, which must hold exactly the buildpack's files.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const BUILDPACK = join(__dirname, "..", "..", "buildpacks", "redis-tls");
const ARCHIVE = `${BUILDPACK}.tgz`;
const PROFILE = join(BUILDPACK, "profile", "redis-tls.sh");

/** REDIS_URL after a bash that starts with `env` has sourced `script` (undefined: unset). */
function sourced(script: string, env: Record<string, string | undefined>): string | undefined {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => k !== "REDIS_URL"),
  ) as Record<string, string>;
  for (const [k, v] of Object.entries(env)) if (v !== undefined) base[k] = v;
  const run = spawnSync(
    "bash",
    [
      "-c",
      'source "$1"; if [ -n "${REDIS_URL+set}" ]; then printf "%s" "$REDIS_URL"; else printf "<unset>"; fi',
      "_",
      script,
    ],
    { env: base, encoding: "utf8" },
  );
  expect(run.stderr).toBe("");
  expect(run.status).toBe(0);
  return run.stdout === "<unset>" ? undefined : run.stdout;
}

const temps: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "redis-tls-"));
  temps.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const HOST = "rediss://:p0123abcd@ec2-34-241-10-20.eu-west-1.compute.amazonaws.com:12345";

describe("the .profile.d script, at dyno start", () => {
  it.each([
    ["a rediss:// URL with no query gets ?ssl_cert_reqs=none", HOST, `${HOST}?ssl_cert_reqs=none`],
    [
      "a query gets &ssl_cert_reqs=none",
      `${HOST}/0?timeout=5`,
      `${HOST}/0?timeout=5&ssl_cert_reqs=none`,
    ],
    ["an empty query gets the parameter alone", `${HOST}?`, `${HOST}?ssl_cert_reqs=none`],
    [
      "ssl_cert_reqs already present is kept as it is",
      `${HOST}?ssl_cert_reqs=required`,
      `${HOST}?ssl_cert_reqs=required`,
    ],
    [
      "ssl_cert_reqs after another parameter is kept too",
      `${HOST}?a=1&ssl_cert_reqs=none`,
      `${HOST}?a=1&ssl_cert_reqs=none`,
    ],
    [
      "a parameter that only ends in ssl_cert_reqs does not count",
      `${HOST}?x_ssl_cert_reqs=1`,
      `${HOST}?x_ssl_cert_reqs=1&ssl_cert_reqs=none`,
    ],
    [
      "a plain redis:// URL (no TLS) is left alone",
      "redis://:pw@localhost:6379",
      "redis://:pw@localhost:6379",
    ],
    ["an empty REDIS_URL stays empty", "", ""],
  ])("%s", (_title, url, expected) => {
    expect(sourced(PROFILE, { REDIS_URL: url })).toBe(expected);
  });

  it("leaves REDIS_URL unset when the app has none", () => {
    expect(sourced(PROFILE, {})).toBeUndefined();
  });

  it("is idempotent: sourcing it twice adds the parameter once", () => {
    const twice = spawnSync(
      "bash",
      ["-c", 'source "$1"; source "$1"; printf "%s" "$REDIS_URL"', "_", PROFILE],
      { env: { ...process.env, REDIS_URL: HOST }, encoding: "utf8" },
    );
    expect(twice.stdout).toBe(`${HOST}?ssl_cert_reqs=none`);
  });
});

describe("the buildpack's scripts", () => {
  it("bin/detect always applies, bin/release adds nothing", () => {
    const build = tempDir();
    expect(execFileSync(join(BUILDPACK, "bin", "detect"), [build], { encoding: "utf8" })).toBe(
      "Redis TLS parameter\n",
    );
    expect(execFileSync(join(BUILDPACK, "bin", "release"), [build], { encoding: "utf8" })).toBe(
      "--- {}\n",
    );
  });

  it("bin/compile puts the script into the slug's .profile.d, where it works, and reads no config var", () => {
    const root = tempDir();
    const [build, cache, env] = ["build", "cache", "env"].map((d) => join(root, d));
    execFileSync("mkdir", ["-p", build!, cache!, env!]);
    const output = execFileSync(join(BUILDPACK, "bin", "compile"), [build!, cache!, env!], {
      encoding: "utf8",
    });
    expect(output).toMatch(/^-----> Adding \.profile\.d\/zz-redis-tls\.sh/);
    const installed = join(build!, ".profile.d", "zz-redis-tls.sh");
    expect(readFileSync(installed, "utf8")).toBe(readFileSync(PROFILE, "utf8"));
    expect(readdirSync(build!)).toEqual([".profile.d"]);
    expect(sourced(installed, { REDIS_URL: HOST })).toBe(`${HOST}?ssl_cert_reqs=none`);
    // A second build into a slug that already has .profile.d/ is fine.
    execFileSync(join(BUILDPACK, "bin", "compile"), [build!, cache!, env!]);
  });
});

/** Every file under `dir` as `path → {content, executable}`. */
function filesOf(dir: string): Record<string, { content: string; executable: boolean }> {
  const out: Record<string, { content: string; executable: boolean }> = {};
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else {
        out[relative(dir, full)] = {
          content: readFileSync(full, "utf8"),
          executable: (statSync(full).mode & 0o111) !== 0,
        };
      }
    }
  };
  walk(dir);
  return out;
}

describe("the published archive buildpacks/redis-tls.tgz", () => {
  it("holds exactly the buildpack's files and modes (re-pack with `buildpacks/pack.sh redis-tls` after a change)", () => {
    const extracted = tempDir();
    execFileSync("tar", ["-xzf", ARCHIVE, "-C", extracted]);
    expect(filesOf(extracted)).toEqual(filesOf(BUILDPACK));
    expect(filesOf(BUILDPACK)["bin/compile"]?.executable).toBe(true);
  });
});
