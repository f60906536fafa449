// What lands in state as each core Heroku resource's `__provider`: small, self-contained (loads
// with nothing but the packages it requires) and free of credentials or config values.
import { beforeAll, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import {
  Addon,
  App,
  Authorization,
  Buildpacks,
  ConfigVars,
  Formation,
} from "../../providers/heroku";
import { declareAndLoad, type SerializedResource } from "../support/hostedProvider";

const TOKEN_MARKER = "HRKU-token-marker-must-not-be-serialized";
const URL_MARKER = "https://url-marker.invalid";
const SECRET_MARKER = "secret-value-marker-4c1d";
// Measured 2026-11: 28-40 KB each (client + kit + resource). The bound leaves room to grow but
// catches an accidentally captured module (pulumi/pulumi#13960), which costs hundreds of KB.
const MAX_BYTES = 60_000;

let loaded: Map<string, SerializedResource>;

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

beforeAll(async () => {
  const saved = { key: process.env["HEROKU_API_KEY"], url: process.env["HEROKU_API_URL"] };
  process.env["HEROKU_API_KEY"] = TOKEN_MARKER;
  process.env["HEROKU_API_URL"] = URL_MARKER;
  try {
    loaded = await declareAndLoad(() => {
      new App("app", { name: "gyana-size", region: "eu" });
      new Addon("addon", { app: "gyana-size", plan: "heroku-redis:mini" });
      new Buildpacks("buildpacks", { app: "gyana-size", buildpacks: ["heroku/python"] });
      new ConfigVars("configVars", {
        app: "gyana-size",
        vars: { PLAIN: "plain" },
        sensitiveVars: { SECRET: pulumi.secret(SECRET_MARKER) },
      });
      new Formation("formation", {
        app: "gyana-size",
        processes: { web: { quantity: 1, size: "basic" } },
      });
      new Authorization("authorization", { description: "size" });
    });
  } finally {
    restore("HEROKU_API_KEY", saved.key);
    restore("HEROKU_API_URL", saved.url);
  }
});

describe("serialized core Heroku providers", () => {
  const names = ["app", "addon", "buildpacks", "configVars", "formation", "authorization"];

  it.each(names)("%s provider stays under 60 KB", (name) => {
    const size = Buffer.byteLength(loaded.get(name)!.serialized, "utf8");
    console.log(`${name}: ${size} bytes`);
    expect(size).toBeLessThan(MAX_BYTES);
  });

  it.each(names)("%s provider holds no token, API URL or config value", (name) => {
    const text = loaded.get(name)!.serialized;
    for (const marker of [TOKEN_MARKER, URL_MARKER, SECRET_MARKER, "gyana-size"]) {
      expect(text).not.toContain(marker);
    }
  });

  it.each(names)(
    "%s provider requires no Node built-in and no module but @pulumi/pulumi",
    (name) => {
      const requires = [
        ...loaded.get(name)!.serialized.matchAll(/require\(["']([^"']+)["']\)/g),
      ].map((m) => m[1]);
      expect(requires.filter((r) => r !== "@pulumi/pulumi")).toEqual([]);
    },
  );

  it.each(names)("%s provider reads its credentials when called, not when loaded", async (name) => {
    const saved = process.env["HEROKU_API_KEY"];
    delete process.env["HEROKU_API_KEY"];
    try {
      const { provider } = loaded.get(name)!;
      await expect(provider.read!("id", { app: "gyana-size" } as never)).rejects.toThrow(
        /HEROKU_API_KEY is not set/,
      );
    } finally {
      restore("HEROKU_API_KEY", saved);
    }
  });

  const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
  const previews: Record<string, Record<string, unknown>> = {
    app: { name: UNKNOWN, region: UNKNOWN, stack: UNKNOWN, maintenance: UNKNOWN },
    addon: { app: UNKNOWN, plan: UNKNOWN, config: UNKNOWN },
    buildpacks: { app: UNKNOWN, buildpacks: [UNKNOWN, "heroku/python"] },
    configVars: { app: UNKNOWN, vars: { A: UNKNOWN }, sensitiveVars: UNKNOWN },
    formation: { app: UNKNOWN, processes: { web: { quantity: UNKNOWN, size: "basic" } } },
    authorization: { description: UNKNOWN, scope: UNKNOWN, expiresIn: UNKNOWN },
  };

  it.each(names)("%s check lets values that are not known yet (preview) through", async (name) => {
    const result = await loaded.get(name)!.provider.check!({}, previews[name]);
    expect(result.failures).toBeUndefined();
  });
});
