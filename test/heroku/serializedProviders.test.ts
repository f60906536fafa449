// What lands in state as each Heroku resource's (and the GoDaddy DnsRecord's) `__provider`: small,
// self-contained (loads with nothing but the packages it requires) and free of credentials or
// config values.
import { beforeAll, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import {
  Addon,
  App,
  AppWebhook,
  Authorization,
  Buildpacks,
  ConfigVarQuerySuffix,
  ConfigVars,
  Domain,
  Formation,
  LogDrain,
  Pipeline,
  PipelineCoupling,
  SniEndpoint,
} from "../../providers/heroku";
import { DnsRecord } from "../../providers/godaddy/dnsRecord";
import { herokuClientClasses } from "../../providers/heroku/client";
import { inputChecks } from "../../providers/heroku/providerKit";
import { ProviderCallError } from "../../tools/engine/dynamicProviderHost";
import { declareAndLoad, throughHost, type SerializedResource } from "../support/hostedProvider";

const TOKEN_MARKER = "HRKU-token-marker-must-not-be-serialized";
const URL_MARKER = "https://url-marker.invalid";
const SECRET_MARKER = "secret-value-marker-4c1d";
const GODADDY_KEY_MARKER = "godaddy-key-marker-must-not-be-serialized";
const GODADDY_SECRET_MARKER = "godaddy-secret-marker-must-not-be-serialized";
const GODADDY_URL_MARKER = "https://godaddy-url-marker.invalid";
// Measured 2026-11: 28-40 KB each (client + kit + resource). The bound leaves room to grow but
// catches an accidentally captured module (pulumi/pulumi#13960), which costs hundreds of KB.
const MAX_BYTES = 60_000;

let loaded: Map<string, SerializedResource>;

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

const ENV_MARKERS: Record<string, string> = {
  HEROKU_API_KEY: TOKEN_MARKER,
  HEROKU_API_URL: URL_MARKER,
  GODADDY_API_KEY: GODADDY_KEY_MARKER,
  GODADDY_API_SECRET: GODADDY_SECRET_MARKER,
  GODADDY_API_URL: GODADDY_URL_MARKER,
};

beforeAll(async () => {
  const saved = Object.fromEntries(Object.keys(ENV_MARKERS).map((k) => [k, process.env[k]]));
  Object.assign(process.env, ENV_MARKERS);
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
      new LogDrain("logDrain", {
        app: "gyana-size",
        url: pulumi.secret(`https://logs.invalid/?key=${SECRET_MARKER}`),
      });
      new AppWebhook("appWebhook", {
        app: "gyana-size",
        include: ["api:release"],
        level: "notify",
        url: pulumi.secret(`https://hooks.invalid/?key=${SECRET_MARKER}`),
      });
      new Domain("domain", { app: "gyana-size", hostname: "app.gyana-size.com" });
      new SniEndpoint("sniEndpoint", {
        app: "gyana-size",
        certificateChain: pulumi.secret(`chain-${SECRET_MARKER}`),
        privateKey: pulumi.secret(`key-${SECRET_MARKER}`),
      });
      new Pipeline("pipeline", { name: "gyana-size" });
      new PipelineCoupling("pipelineCoupling", {
        app: "gyana-size",
        pipeline: "gyana-size",
        stage: "production",
      });
      new ConfigVarQuerySuffix("configVarQuerySuffix", { app: "gyana-size" });
      new DnsRecord("dnsRecord", {
        domain: "gyana-size.com",
        type: "CNAME",
        name: "app",
        data: "gyana-size.herokudns.com",
      });
    });
  } finally {
    for (const [k, v] of Object.entries(saved)) restore(k, v);
  }
});

const CORE = ["app", "addon", "buildpacks", "configVars", "formation", "authorization"];
/** Every other Heroku resource and the GoDaddy DNS record. */
const OTHERS = [
  "logDrain",
  "appWebhook",
  "domain",
  "sniEndpoint",
  "pipeline",
  "pipelineCoupling",
  "configVarQuerySuffix",
  "dnsRecord",
];

describe("every serialized Heroku and GoDaddy provider", () => {
  const all = [...CORE, ...OTHERS];

  it("declared all 14 resources", () => {
    expect([...loaded.keys()].sort()).toEqual([...all].sort());
  });

  it.each(all)("%s provider stays under 60 KB", (name) => {
    const size = Buffer.byteLength(loaded.get(name)!.serialized, "utf8");
    console.log(`${name}: ${size} bytes`);
    expect(size).toBeLessThan(MAX_BYTES);
  });

  it.each(all)("%s provider holds no token, API URL, secret or config value", (name) => {
    const text = loaded.get(name)!.serialized;
    for (const marker of [...Object.values(ENV_MARKERS), SECRET_MARKER, "gyana-size"]) {
      expect(text).not.toContain(marker);
    }
  });

  it.each(all)("%s provider requires no Node built-in and no module but @pulumi/pulumi", (name) => {
    const requires = [...loaded.get(name)!.serialized.matchAll(/require\(["']([^"']+)["']\)/g)].map(
      (m) => m[1],
    );
    expect(requires.filter((r) => r !== "@pulumi/pulumi")).toEqual([]);
  });
});

// Pulumi's serializer walks every value a provider captures, in each provider: code all Heroku
// providers share is made by functions that capture nothing, so that it is one value to walk.
describe("the code every Heroku provider shares", () => {
  it.each([
    ["herokuClientClasses", herokuClientClasses],
    ["inputChecks", inputChecks],
  ] as const)("%s refers to nothing outside itself: one function", async (name, make) => {
    const { text } = await pulumi.runtime.serializeFunction(make);
    expect(text.match(/^(function|var) \S+/gm)).toEqual([`function __${name}()`]);
  });

  it.each(CORE)(
    "%s provider carries the client and the checks once, as those functions",
    (name) => {
      const text = loaded.get(name)!.serialized;
      for (const shared of ["herokuClientClasses", "inputChecks"]) {
        expect(text.match(new RegExp(`^function __${shared}\\(`, "gm"))).toHaveLength(1);
      }
      expect(text.match(/^\s*class HerokuClient \{/gm)).toHaveLength(1);
    },
  );
});

describe("serialized core Heroku providers", () => {
  const names = CORE;

  it.each(names)(
    "%s provider requires no Node built-in and no module but @pulumi/pulumi",
    (name) => {
      const requires = [
        ...loaded.get(name)!.serialized.matchAll(/require\(["']([^"']+)["']\)/g),
      ].map((m) => m[1]);
      expect(requires.filter((r) => r !== "@pulumi/pulumi")).toEqual([]);
    },
  );

  it.each(names)(
    "%s provider, in Pulumi's real host, reads its credentials when called, not when loaded",
    async (name) => {
      const saved = process.env["HEROKU_API_KEY"];
      delete process.env["HEROKU_API_KEY"];
      try {
        const error = await throughHost(loaded.get(name)!)
          .read("01234567-89ab-cdef-0123-456789abcdef", { app: "gyana-size" })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ProviderCallError);
        expect((error as Error).message).toMatch(/HEROKU_API_KEY is not set/);
      } finally {
        restore("HEROKU_API_KEY", saved);
      }
    },
  );

  const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
  const previews: Record<string, Record<string, unknown>> = {
    app: { name: UNKNOWN, region: UNKNOWN, stack: UNKNOWN, maintenance: UNKNOWN },
    addon: { app: UNKNOWN, plan: UNKNOWN, config: UNKNOWN },
    buildpacks: { app: UNKNOWN, buildpacks: [UNKNOWN, "heroku/python"] },
    configVars: { app: UNKNOWN, vars: { A: UNKNOWN }, sensitiveVars: UNKNOWN },
    formation: { app: UNKNOWN, processes: { web: { quantity: UNKNOWN, size: "basic" } } },
    authorization: { description: UNKNOWN, scope: UNKNOWN, expiresIn: UNKNOWN },
  };

  it.each(names)(
    "%s check, in Pulumi's real host, lets values that are not known yet (preview) through",
    async (name) => {
      const result = await throughHost(loaded.get(name)!).check({}, previews[name]!);
      expect(result.failures).toEqual([]);
    },
  );
});
