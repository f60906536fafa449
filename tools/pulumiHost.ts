// Starts the program exactly as `pulumi preview`/`up` does, without the Pulumi CLI: the Node.js
// language host reads Pulumi.yaml's runtime options and runs `node @pulumi/pulumi/cmd/run … <main>`
// with PULUMI_NODEJS_TYPESCRIPT, PULUMI_NODEJS_TSCONFIG_PATH and PULUMI_CONFIG in its environment;
// that entry point registers ts-node (type-checking unless the tsconfig has `noCheck`), runs the
// program and registers every resource with the engine's resource monitor over gRPC. Here a
// small resource monitor stands in for the engine and answers each registration with the given
// outputs (the offline plan's mocks), so what is measured and proved is the real program start.
// Sources: pulumi/pulumi sdk/nodejs/cmd/pulumi-language-nodejs/main.go (parseOptions,
// constructArguments, constructConfig, execRuntime) and @pulumi/pulumi/cmd/run/{index,run}.js.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { parse } from "yaml";
import type { MockResult, RegisteredResource, ResourceHandler } from "./mockRuntime";

const ROOT = join(__dirname, "..");
const fromPulumi = createRequire(join(ROOT, "node_modules/@pulumi/pulumi/package.json"));

/* eslint-disable @typescript-eslint/no-explicit-any -- generated gRPC code has no useful types */
const grpc = fromPulumi("@grpc/grpc-js");
const resourceGrpc = fromPulumi("./proto/resource_grpc_pb.js");
const resourcePb = fromPulumi("./proto/resource_pb.js");
const engineGrpc = fromPulumi("./proto/engine_grpc_pb.js");
const enginePb = fromPulumi("./proto/engine_pb.js");
const { Empty } = fromPulumi("google-protobuf/google/protobuf/empty_pb.js");
const { Struct } = fromPulumi("google-protobuf/google/protobuf/struct_pb.js");
const rpc = fromPulumi("./runtime/rpc.js") as {
  deserializeProperties(struct: unknown): Record<string, unknown>;
  serializeProperties(label: string, props: Record<string, unknown>): Promise<unknown>;
};

/** Pulumi.yaml's name, main and runtime options, read as the Node.js language host reads them. */
export interface ProjectRuntime {
  name: string;
  /** The entry point handed to cmd/run; "." (the program directory) when `main` is unset. */
  main: string;
  typescript: boolean;
  /** `runtime.options.tsconfig`, passed to the program as PULUMI_NODEJS_TSCONFIG_PATH. */
  tsconfig: string | undefined;
  nodeargs: string;
}

export function readProjectRuntime(projectDir = ROOT): ProjectRuntime {
  const project = parse(readFileSync(join(projectDir, "Pulumi.yaml"), "utf8")) as {
    name: string;
    main?: string;
    runtime: string | { name: string; options?: Record<string, unknown> };
  };
  const options = typeof project.runtime === "string" ? {} : (project.runtime.options ?? {});
  const text = (key: string) => (typeof options[key] === "string" ? options[key] : undefined);
  return {
    name: project.name,
    main: project.main ?? ".",
    // parseOptions: `typescript` is on unless set to false.
    typescript: options["typescript"] !== false,
    tsconfig: text("tsconfig"),
    nodeargs: text("nodeargs") ?? "",
  };
}

export interface HostedRunOptions {
  stack: string;
  /** `namespace:key` → value, as the CLI hands stack config to the language host. */
  config: Record<string, string>;
  secretKeys: string[];
  preview: boolean;
  /** Decides each custom resource's id and outputs. */
  onResource: ResourceHandler;
  /** Replaces Pulumi.yaml's runtime options (e.g. no tsconfig, as before it was set). */
  runtime?: Partial<ProjectRuntime>;
  /** Extra environment, e.g. PULUMI_NODEJS_TRANSPILE_ONLY. */
  env?: Record<string, string>;
  /** Node arguments after Pulumi.yaml's `nodeargs` (e.g. --cpu-prof, --require). */
  nodeArgs?: string[];
}

export interface HostedRunResult {
  code: number | null;
  /** Every registration, the root `pulumi:pulumi:Stack` first. */
  resources: RegisteredResource[];
  /** What the program logged through the engine (severity 0 debug … 3 error). */
  logs: { severity: number; message: string }[];
  stderr: string;
  wallMs: number;
  /** User + system CPU time and peak memory of the program process (GNU time, when installed). */
  cpuMs: number | undefined;
  maxRssMb: number | undefined;
}

/** PULUMI_CONFIG holds keys as `namespace:config:key` (main.go constructConfig). */
function languageHostConfig(config: Record<string, string>): string {
  const transformed: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    const separator = key.indexOf(":");
    transformed[`${key.slice(0, separator)}:config:${key.slice(separator + 1)}`] = value;
  }
  return JSON.stringify(transformed);
}

type Unary = (call: { request: any }, callback: (err: unknown, res?: unknown) => void) => void;

function unary(handler: (request: any) => unknown): Unary {
  return (call, callback) => {
    Promise.resolve()
      .then(() => handler(call.request))
      .then(
        (response) => callback(null, response),
        (error: unknown) => callback(error),
      );
  };
}

interface Monitor {
  address: string;
  close(): void;
}

/** The engine's side: ResourceMonitor and Engine services on 127.0.0.1. */
async function startMonitor(
  project: string,
  options: HostedRunOptions,
  resources: RegisteredResource[],
  logs: HostedRunResult["logs"],
): Promise<Monitor> {
  let rootUrn = "";
  const urnOf = (parent: string, type: string, name: string): string => {
    const parentType = parent ? `${parent.split("::")[2]?.split("$").pop()}$` : "";
    return `urn:pulumi:${options.stack}::${project}::${parentType}${type}::${name}`;
  };
  const registerResource = async (request: any): Promise<unknown> => {
    const inputs = rpc.deserializeProperties(request.getObject());
    const record: RegisteredResource = {
      type: request.getType(),
      name: request.getName(),
      urn: urnOf(request.getParent(), request.getType(), request.getName()),
      parentUrn: request.getParent() || null,
      custom: request.getCustom(),
      inputs,
      maskedInputs: inputs,
      protect: request.getProtect() ?? false,
      retainOnDelete: request.getRetainondelete() ?? false,
      importId: request.getImportid(),
      dependencies: request.getDependenciesList(),
      additionalSecretOutputs: request.getAdditionalsecretoutputsList(),
    };
    resources.push(record);
    const result: MockResult = record.custom
      ? await options.onResource(record)
      : { id: undefined, state: {} };
    const response = new resourcePb.RegisterResourceResponse();
    response.setUrn(record.urn);
    response.setId(result.id ?? "");
    response.setObject(Struct.fromJavaScript(await rpc.serializeProperties("", result.state)));
    return response;
  };

  const server = new grpc.Server();
  server.addService(resourceGrpc.ResourceMonitorService, {
    supportsFeature: unary((request) => {
      const response = new resourcePb.SupportsFeatureResponse();
      // As Pulumi's own mocks: everything but output values, so inputs arrive as plain values.
      response.setHassupport(request.getId() !== "outputValues");
      return response;
    }),
    registerResource: unary(registerResource),
    registerResourceOutputs: unary(() => new Empty()),
    registerPackage: unary(() => {
      const response = new resourcePb.RegisterPackageResponse();
      response.setRef("package-ref");
      return response;
    }),
    signalAndWaitForShutdown: unary(() => new Empty()),
  });
  server.addService(engineGrpc.EngineService, {
    log: unary((request) => {
      logs.push({ severity: request.getSeverity(), message: request.getMessage() });
      return new Empty();
    }),
    getRootResource: unary(() => new enginePb.GetRootResourceResponse().setUrn(rootUrn)),
    setRootResource: unary((request) => {
      rootUrn = request.getUrn();
      return new enginePb.SetRootResourceResponse();
    }),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(
      "127.0.0.1:0",
      grpc.ServerCredentials.createInsecure(),
      (error: Error | null, bound: number) => (error ? reject(error) : resolve(bound)),
    ),
  );
  return { address: `127.0.0.1:${port}`, close: () => server.forceShutdown() };
}
/* eslint-enable @typescript-eslint/no-explicit-any */

const GNU_TIME = "/usr/bin/time";
const TIMING =
  /(?:Command exited with non-zero status \d+\n)?gnu-time maxrss-kb=(\d+) user=([\d.]+) sys=([\d.]+)\n?/;

/** Runs the program through `@pulumi/pulumi/cmd/run` as the language host does (file comment). */
export async function runAsPulumiHost(options: HostedRunOptions): Promise<HostedRunResult> {
  const runtime = { ...readProjectRuntime(), ...options.runtime };
  const resources: RegisteredResource[] = [];
  const logs: HostedRunResult["logs"] = [];
  const monitor = await startMonitor(runtime.name, options, resources, logs);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PULUMI_CONFIG: languageHostConfig(options.config),
    PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(options.secretKeys),
    ...options.env,
  };
  delete env["PULUMI_NODEJS_TYPESCRIPT"];
  delete env["PULUMI_NODEJS_TSCONFIG_PATH"];
  if (runtime.typescript) env["PULUMI_NODEJS_TYPESCRIPT"] = "true";
  if (runtime.tsconfig) env["PULUMI_NODEJS_TSCONFIG_PATH"] = runtime.tsconfig;
  const args = [
    ...(runtime.nodeargs ? runtime.nodeargs.split(/\s+/) : []),
    ...(options.nodeArgs ?? []),
    fromPulumi.resolve("./cmd/run"),
    ...["--monitor", monitor.address, "--engine", monitor.address],
    ...["--project", runtime.name, "--root-directory", ROOT, "--stack", options.stack],
    ...["--pwd", ROOT],
    ...(options.preview ? ["--dry-run"] : []),
    runtime.main,
  ];
  const timed = existsSync(GNU_TIME);
  const start = process.hrtime.bigint();
  const child = timed
    ? spawn(GNU_TIME, ["-f", "gnu-time maxrss-kb=%M user=%U sys=%S", process.execPath, ...args], {
        cwd: ROOT,
        env,
      })
    : spawn(process.execPath, args, { cwd: ROOT, env });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.resume();
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  monitor.close();
  const timing = TIMING.exec(stderr);
  return {
    code,
    resources,
    logs,
    stderr: timing ? stderr.replace(timing[0], "") : stderr,
    wallMs,
    cpuMs: timing ? (Number(timing[2]) + Number(timing[3])) * 1000 : undefined,
    maxRssMb: timing ? Number(timing[1]) / 1024 : undefined,
  };
}
