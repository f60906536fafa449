// API requests of each core Heroku resource type against the emulator, through its serialized
// provider: create, a no-op refresh (read) and a no-op diff (target 0), plus the size of the
// `__provider` string each one stores in state. Figures only; it asserts nothing.
import {
  Addon,
  App,
  Authorization,
  Buildpacks,
  ConfigVars,
  Formation,
} from "../../providers/heroku";
import { startHerokuEmulator } from "../../test/emulator/heroku";
import { declareAndLoad } from "../../test/support/hostedProvider";

const APP = "gyana-bench";

export async function benchHerokuProviders(): Promise<string[]> {
  const saved = { ...process.env };
  const emu = await startHerokuEmulator({ addonProvisioningPolls: 2 });
  process.env["HEROKU_API_URL"] = emu.url;
  process.env["HEROKU_API_KEY"] = emu.token;
  process.env["HEROKU_POLL_INTERVAL_MS"] = "5";
  process.env["HEROKU_POLL_MAX_INTERVAL_MS"] = "20";
  const quiet = console.error;
  console.error = () => undefined;
  try {
    const loaded = await declareAndLoad(() => {
      new App("App", { name: APP, region: "eu", stack: "heroku-24" });
      new Addon("Addon", { app: APP, plan: "heroku-postgresql:essential-0" });
      new Buildpacks("Buildpacks", { app: APP, buildpacks: ["heroku/nodejs", "heroku/python"] });
      new ConfigVars("ConfigVars", {
        app: APP,
        vars: { ENVIRONMENT: "bench" },
        sensitiveVars: { SECRET_KEY: "s" },
      });
      new Formation("Formation", {
        app: APP,
        processes: { web: { quantity: 1, size: "basic" }, worker: { quantity: 1, size: "basic" } },
      });
      new Authorization("Authorization", { description: "bench" });
    });
    const lines: string[] = [];
    for (const type of ["App", "Addon", "Buildpacks", "ConfigVars", "Formation", "Authorization"]) {
      const { provider, inputs, serialized } = loaded.get(type)!;
      if (type === "Formation") {
        emu.state.deploy(APP, { processTypes: { web: "gunicorn", worker: "celery" } });
      }
      const checked = (await provider.check!({}, inputs)).inputs as Record<string, unknown>;
      let mark = emu.requests.length;
      const created = await provider.create(checked);
      const createCalls = emu.requests.length - mark;
      mark = emu.requests.length;
      await provider.read!(created.id, created.outs);
      const readCalls = emu.requests.length - mark;
      mark = emu.requests.length;
      const diff = await provider.diff!(created.id, created.outs, checked);
      const diffCalls = emu.requests.length - mark;
      lines.push(
        `${type.padEnd(13)} create ${createCalls} requests, refresh ${readCalls}, ` +
          `no-op diff ${diffCalls} (changes: ${String(diff.changes)}), ` +
          `provider ${Buffer.byteLength(serialized, "utf8")} bytes`,
      );
    }
    if (emu.violations.length > 0) lines.push(`schema violations: ${emu.violations.join("; ")}`);
    return lines;
  } finally {
    console.error = quiet;
    await emu.close();
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}

if (require.main === module) {
  benchHerokuProviders().then(
    (lines) => lines.forEach((line) => console.log(line)),
    (error: unknown) => {
      console.log(`failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    },
  );
}
