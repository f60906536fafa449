// Pulumi's own dynamic provider host, driven over gRPC the way the Pulumi engine drives it.
//
// In a real `pulumi up` the engine never calls a dynamic provider's methods: it starts the plugin
// `pulumi-resource-pulumi-nodejs` (a shell script that runs
// `node @pulumi/pulumi/cmd/dynamic-provider <engine address>`), reads the port it prints, and
// speaks the ResourceProvider gRPC protocol to it. This module starts that same script and talks
// to it with the proto stubs @pulumi/pulumi ships, so the serialized providers run exactly where
// and how they run for a user: `require-from-string` of `__provider`, values as plain protobuf
// Structs, errors turned into gRPC statuses by the host's `grpcResponseFromError`.
//
// Engine source modelled (pulumi/pulumi, pkg/resource/plugin/provider_plugin.go): the handshake
// and Configure (the host answers `acceptSecrets=false` and no `supportsPreview`), the request
// fields of Check/Diff/Create/Read/Update/Delete, and `parseError`, which reads an
// `ErrorResourceInitFailed` detail as a partial failure (the resource exists: id + properties).
//
// One host process serves every dynamic resource, as in the engine (they all share the default
// `pulumi-nodejs` provider). Starting one costs over a second of CPU (it loads @pulumi/pulumi,
// TypeScript and npm's arborist included), so a host is reused while the environment it inherited
// (HEROKU_API_URL, credentials, poll intervals...) is unchanged, and the few most recently used
// idle hosts of other environments are kept (hostPool.ts); hosts are killed beyond those, when
// `shutdownDynamicProviderHosts` is called, when this process exits, and (through a closed stdin)
// when this process dies.
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import type * as grpcTypes from "@grpc/grpc-js";
import type * as providerGrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import type * as providerProto from "@pulumi/pulumi/proto/provider_pb";
import type * as statusProto from "@pulumi/pulumi/proto/status_pb";
import type * as structProto from "google-protobuf/google/protobuf/struct_pb";
import type * as jspbTypes from "google-protobuf";
import { jsonValue } from "./jsonValue";
import { HostPool, type PooledLease } from "./hostPool";

/** The engine's unknown sentinel (pulumi/pulumi sdk/go/common/resource/plugin/rpc.go). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

type Props = Record<string, unknown>;

const PULUMI_DIR = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
/** What `pulumi-resource-pulumi-nodejs` runs (`require.resolve('@pulumi/pulumi/cmd/dynamic-provider')`). */
export const HOST_SCRIPT = require.resolve("@pulumi/pulumi/cmd/dynamic-provider");
/** The engine starts plugins in the project directory; `require` in providers resolves from it. */
const PROJECT_DIR = path.resolve(__dirname, "..", "..");

/**
 * A module as @pulumi/pulumi loads it. The proto stubs require these by bare name from
 * @pulumi/pulumi's directory: load the very same copies (its dependencies, not ours).
 */
export function fromPulumi<T>(id: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(require.resolve(id, { paths: [PULUMI_DIR] })) as T;
}
const grpc = fromPulumi<typeof grpcTypes>("@grpc/grpc-js");
const structpb = fromPulumi<typeof structProto>("google-protobuf/google/protobuf/struct_pb");
const rpc = fromPulumi<typeof providerGrpc>("@pulumi/pulumi/proto/provider_grpc_pb");
const proto = fromPulumi<typeof providerProto>("@pulumi/pulumi/proto/provider_pb");
const status = fromPulumi<typeof statusProto>("@pulumi/pulumi/proto/status_pb");
const jspb = fromPulumi<typeof jspbTypes>("google-protobuf");

const INIT_FAILED_TYPE = "pulumirpc.ErrorResourceInitFailed";

/** What Configure negotiated; the engine's `pluginProtocol`. */
export interface HostProtocol {
  acceptSecrets: boolean;
  acceptResources: boolean;
  supportsPreview: boolean;
}

export interface CheckFailure {
  property: string;
  reason: string;
}

export interface CheckResult {
  inputs: Props;
  failures: CheckFailure[];
}

/** The engine's DiffResult as the host fills it (the 3.248 host never sets stables or diffs). */
export interface DiffResult {
  changes: "some" | "none" | "unknown";
  replaces: string[];
  stables: string[];
  deleteBeforeReplace: boolean;
}

/** `ErrorResourceInitFailed`: the resource was created (or updated) but is not healthy. */
export interface InitFailure {
  id: string;
  properties: Props;
  reasons: string[];
}

/**
 * A failed provider call as the engine sees it: the gRPC status and, for a partial failure, the
 * resource that exists. `message` is what the engine shows: the status message, or for a partial
 * failure the `InitError` built from the reasons alone (provider_plugin.go `InitError.Error`).
 */
export class ProviderCallError extends Error {
  constructor(
    readonly method: string,
    readonly code: number,
    readonly details: string,
    readonly initFailure: InitFailure | undefined,
  ) {
    super(initFailure ? initErrorMessage(initFailure.reasons) : details);
    this.name = "ProviderCallError";
  }
}

/** The text of the engine's `InitError` (hashicorp/go-multierror's list format). */
export function initErrorMessage(reasons: string[]): string {
  if (reasons.length === 0) return "resource init failed";
  const points = reasons.map((r) => `* ${r}`);
  return reasons.length === 1
    ? `1 error occurred:\n\t${points[0]}\n\n`
    : `${reasons.length} errors occurred:\n\t${points.join("\n\t")}\n\n`;
}

/** Values as a protobuf Struct carries them: undefined keys dropped (the engine has none). */
function toStruct(values: Props): structProto.Struct {
  return structpb.Struct.fromJavaScript(
    jsonValue(values) as Record<string, structProto.JavaScriptValue>,
  );
}

function fromStruct(value: structProto.Struct | undefined): Props {
  return value ? (value.toJavaScript() as Props) : {};
}

function initFailureOf(error: grpcTypes.ServiceError): InitFailure | undefined {
  const raw = error.metadata?.get("grpc-status-details-bin")[0];
  if (!raw) return undefined;
  const bytes = typeof raw === "string" ? Buffer.from(raw, "base64") : raw;
  for (const detail of status.Status.deserializeBinary(new Uint8Array(bytes)).getDetailsList()) {
    if (!detail.getTypeUrl().endsWith(`/${INIT_FAILED_TYPE}`)) continue;
    const failure = proto.ErrorResourceInitFailed.deserializeBinary(detail.getValue_asU8());
    return {
      id: failure.getId(),
      properties: fromStruct(failure.getProperties()),
      reasons: failure.getReasonsList(),
    };
  }
  return undefined;
}

type Client = InstanceType<typeof rpc.ResourceProviderClient>;

/** A method of the generated service definition: its path and its (de)serializers. */
interface MethodDefinition {
  path: string;
  requestSerialize(value: unknown): Buffer;
  responseDeserialize(bytes: Buffer): unknown;
}

/** Strings at least this long are written as bytes (wire-identical; see below). */
const LONG_STRING = 1024;
const LONE_SURROGATE = /\p{Surrogate}/u;

/**
 * Runs a request's serialization with long strings written as bytes. Every dynamic resource
 * carries its provider's code (`__provider`, up to 60 KB) in each Check, Diff, Create and Update,
 * several times; google-protobuf's JavaScript writer encodes a string's UTF-8 one character at a
 * time into an array of numbers, which cost a twentieth of the test suite's CPU. Pulumi's engine,
 * which this stands in for, is Go and pays nothing like it. A protobuf string and bytes field
 * share one wire encoding (length-delimited UTF-8), so the request's bytes are identical
 * (test/e2e/engineEncoding.test.ts); strings that are not well-formed UTF-16 keep the library's
 * own encoding. Serialization is synchronous, so the swap is never seen by other code.
 */
export function withLongStringsAsBytes<T>(serialize: () => T): T {
  const writer = jspb.BinaryWriter.prototype as unknown as {
    writeString(field: number, value: string | null | undefined): void;
    writeBytes(field: number, value: Uint8Array): void;
  };
  const writeString = writer.writeString;
  writer.writeString = function (this: typeof writer, field, value) {
    if (value != null && value.length >= LONG_STRING && !LONE_SURROGATE.test(value)) {
      this.writeBytes(field, Buffer.from(value, "utf8"));
    } else {
      writeString.call(this, field, value);
    }
  };
  try {
    return serialize();
  } finally {
    writer.writeString = writeString;
  }
}

/** One running host process and a gRPC client connected to it. */
export class DynamicProviderHost {
  private readonly stderrTail: string[];
  private exited: string | undefined;
  private negotiated: HostProtocol | undefined;

  private constructor(
    private readonly child: ChildProcess,
    private readonly client: Client,
  ) {
    this.stderrTail = [];
    forwardLines(child.stderr!, (line) => this.onStderr(line));
    child.once("exit", (code, signal) => {
      this.exited = `dynamic provider host exited (${code ?? signal})`;
    });
  }

  /** Starts the host, reads its port, and configures it as the engine does. */
  static async start(env: NodeJS.ProcessEnv = process.env): Promise<DynamicProviderHost> {
    // The script runs unchanged; `-e` only adds a watchdog: when this process dies, the pipe on
    // the host's stdin closes and the host exits, so no test run can leak a host.
    const watchdog =
      'process.stdin.on("end",()=>process.exit(0));process.stdin.on("error",()=>process.exit(0));' +
      `process.stdin.resume();require(${JSON.stringify(HOST_SCRIPT)});`;
    const child = spawn(process.execPath, ["-e", watchdog, "host", "127.0.0.1:0"], {
      cwd: PROJECT_DIR,
      env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    live.add(child);
    child.once("exit", () => live.delete(child));
    let port: string;
    try {
      port = await readPort(child);
    } catch (error) {
      child.kill();
      throw error;
    }
    // Once listening, neither the host nor its pipes keep this process alive (a gRPC call in
    // flight does); `exit` kills the host.
    for (const stream of [child.stdin, child.stdout, child.stderr]) {
      (stream as unknown as { unref?: () => void } | null)?.unref?.();
    }
    child.unref();
    const client = new rpc.ResourceProviderClient(
      `127.0.0.1:${port}`,
      grpc.credentials.createInsecure(),
    );
    const host = new DynamicProviderHost(child, client);
    try {
      host.negotiated = await host.handshake();
      return host;
    } catch (error) {
      host.close();
      throw error;
    }
  }

  /** What Configure negotiated. */
  get protocol(): HostProtocol {
    if (!this.negotiated) throw new Error("the dynamic provider host is not configured yet");
    return this.negotiated;
  }

  private onStderr(line: string): void {
    // Providers report progress on stderr; the engine shows it as the resource's diagnostics.
    this.stderrTail.push(line);
    if (this.stderrTail.length > 200) this.stderrTail.shift();
    console.error(line);
  }

  /** The last lines the host wrote to stderr (provider progress and the host's own errors). */
  get stderr(): readonly string[] {
    return this.stderrTail;
  }

  /** The host's process id. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return this.exited === undefined && this.child.exitCode === null;
  }

  /** What the engine does before the first resource: plugin info, Handshake, Configure. */
  private async handshake(): Promise<HostProtocol> {
    await this.call("getPluginInfo", new (fromPulumiEmpty())());
    try {
      await this.call("handshake", new proto.ProviderHandshakeRequest());
    } catch (error) {
      // The 3.248 host answers UNIMPLEMENTED; the engine then falls back to Configure.
      if ((error as { code?: number }).code !== grpc.status.UNIMPLEMENTED) throw error;
    }
    const request = new proto.ConfigureRequest();
    // The default `pulumi-nodejs` provider has no config.
    request.setArgs(toStruct({}));
    request.setAcceptsecrets(true);
    request.setAcceptresources(true);
    request.setSendsOldInputs(true);
    request.setSendsOldInputsToDelete(true);
    const response = await this.call<
      providerProto.ConfigureRequest,
      providerProto.ConfigureResponse
    >("configure", request);
    const protocol: HostProtocol = {
      acceptSecrets: response.getAcceptsecrets(),
      acceptResources: response.getAcceptresources(),
      supportsPreview: response.getSupportspreview(),
    };
    if (protocol.acceptSecrets) {
      // The emulated engine sends plain values, which is only right for a host that refuses
      // secrets. A newer host that accepts them needs the secret markers kept: update the engine.
      throw new Error(
        "the dynamic provider host now accepts secrets; tools/emulatedUp.ts must send them marked",
      );
    }
    return protocol;
  }

  private call<Req, Res>(method: string, request: Req): Promise<Res> {
    if (!this.alive) {
      return Promise.reject(new Error(`${this.exited ?? "dynamic provider host is gone"}`));
    }
    const definition = (rpc.ResourceProviderService as unknown as Record<string, MethodDefinition>)[
      method
    ]!;
    return new Promise<Res>((resolve, reject) => {
      this.client.makeUnaryRequest<Req, Res>(
        definition.path,
        (value) => withLongStringsAsBytes(() => definition.requestSerialize(value)),
        (bytes) => definition.responseDeserialize(bytes) as Res,
        request,
        (error, response) => {
          if (!error) return resolve(response!);
          const details = error.details || error.message;
          const exited = this.alive ? "" : ` (${this.exited})`;
          reject(new ProviderCallError(method, error.code, details + exited, initFailureOf(error)));
        },
      );
    });
  }

  /** Check: olds are the old *inputs* (empty for a create or a replacement), news the new ones. */
  async check(urn: string, olds: Props, news: Props): Promise<CheckResult> {
    const request = new proto.CheckRequest();
    address(request, urn);
    request.setOlds(toStruct(olds));
    request.setNews(toStruct(news));
    const response = await this.call<providerProto.CheckRequest, providerProto.CheckResponse>(
      "check",
      request,
    );
    return {
      inputs: fromStruct(response.getInputs()),
      failures: response
        .getFailuresList()
        .map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
    };
  }

  /** Diff: olds are the old *outputs*, news the checked new inputs, oldInputs the old inputs. */
  async diff(
    urn: string,
    id: string,
    olds: Props,
    news: Props,
    oldInputs: Props,
  ): Promise<DiffResult> {
    const request = new proto.DiffRequest();
    address(request, urn);
    request.setId(id);
    request.setOlds(toStruct(olds));
    request.setNews(toStruct(news));
    request.setOldInputs(toStruct(oldInputs));
    const response = await this.call<providerProto.DiffRequest, providerProto.DiffResponse>(
      "diff",
      request,
    );
    const Changes = proto.DiffResponse.DiffChanges;
    const changes = response.getChanges();
    return {
      changes:
        changes === Changes.DIFF_SOME ? "some" : changes === Changes.DIFF_NONE ? "none" : "unknown",
      replaces: response.getReplacesList(),
      stables: response.getStablesList(),
      deleteBeforeReplace: response.getDeletebeforereplace(),
    };
  }

  async create(urn: string, properties: Props): Promise<{ id: string; properties: Props }> {
    const request = new proto.CreateRequest();
    address(request, urn);
    request.setProperties(toStruct(properties));
    const response = await this.call<providerProto.CreateRequest, providerProto.CreateResponse>(
      "create",
      request,
    );
    return { id: response.getId(), properties: fromStruct(response.getProperties()) };
  }

  /** Read (refresh): properties are the old outputs, inputs the old inputs. */
  async read(
    urn: string,
    id: string,
    properties: Props,
    inputs: Props,
  ): Promise<{ id: string; properties: Props; inputs: Props | undefined }> {
    const request = new proto.ReadRequest();
    address(request, urn);
    request.setId(id);
    request.setProperties(toStruct(properties));
    request.setInputs(toStruct(inputs));
    const response = await this.call<providerProto.ReadRequest, providerProto.ReadResponse>(
      "read",
      request,
    );
    return {
      id: response.getId(),
      properties: fromStruct(response.getProperties()),
      inputs: response.hasInputs() ? fromStruct(response.getInputs()) : undefined,
    };
  }

  /** Update: olds are the old outputs, news the checked new inputs. */
  async update(
    urn: string,
    id: string,
    olds: Props,
    news: Props,
    oldInputs: Props,
  ): Promise<{ properties: Props }> {
    const request = new proto.UpdateRequest();
    address(request, urn);
    request.setId(id);
    request.setOlds(toStruct(olds));
    request.setNews(toStruct(news));
    request.setOldInputs(toStruct(oldInputs));
    const response = await this.call<providerProto.UpdateRequest, providerProto.UpdateResponse>(
      "update",
      request,
    );
    return { properties: fromStruct(response.getProperties()) };
  }

  /** Delete: properties are the old outputs. */
  async delete(urn: string, id: string, properties: Props, oldInputs: Props): Promise<void> {
    const request = new proto.DeleteRequest();
    address(request, urn);
    request.setId(id);
    request.setProperties(toStruct(properties));
    request.setOldInputs(toStruct(oldInputs));
    await this.call("delete", request);
  }

  close(): void {
    this.client.close();
    if (this.child.exitCode === null) this.child.kill();
    live.delete(this.child);
  }
}

/** The host prints its port on the first line of stdout; the rest is the providers' console.log. */
function readPort(child: ChildProcess): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let buffered = "";
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString();
      const newline = buffered.indexOf("\n");
      if (newline < 0) return;
      child.stdout!.off("data", onData);
      const port = buffered.slice(0, newline).trim();
      forwardLines(child.stdout!, (line) => console.log(line), buffered.slice(newline + 1));
      if (/^\d+$/.test(port)) resolve(port);
      else reject(new Error(`dynamic provider host printed ${JSON.stringify(port)}, not a port`));
    };
    child.stdout!.on("data", onData);
    child.once("exit", (code, signal) =>
      reject(new Error(`dynamic provider host exited before listening (${code ?? signal})`)),
    );
    child.once("error", reject);
  });
}

function fromPulumiEmpty(): new () => unknown {
  return fromPulumi<{ Empty: new () => unknown }>("google-protobuf/google/protobuf/empty_pb").Empty;
}

function forwardLines(
  stream: NodeJS.ReadableStream,
  onLine: (line: string) => void,
  initial = "",
): void {
  let buffered = initial;
  const flush = () => {
    let newline: number;
    while ((newline = buffered.indexOf("\n")) >= 0) {
      onLine(buffered.slice(0, newline));
      buffered = buffered.slice(newline + 1);
    }
  };
  flush();
  stream.on("data", (chunk: Buffer) => {
    buffered += chunk.toString();
    flush();
  });
  stream.on("end", () => {
    if (buffered !== "") onLine(buffered);
    buffered = "";
  });
}

/** `urn:pulumi:<stack>::<project>::<type>::<name>` → name. */
/** The URN, name and type every resource request carries, the name and type read from the URN. */
function address(
  request: { setUrn(v: string): unknown; setName(v: string): unknown; setType(v: string): unknown },
  urn: string,
): void {
  request.setUrn(urn);
  request.setName(nameOf(urn));
  request.setType(typeOf(urn));
}

function nameOf(urn: string): string {
  return urn.split("::").slice(3).join("::");
}

/** The resource's own type (the last one of a parent chain `a$b`). */
function typeOf(urn: string): string {
  const qualified = urn.split("::")[2] ?? "";
  return qualified.split("$").pop() ?? qualified;
}

// Every host this process started and has not yet seen exit.
const live = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of live) child.kill();
});

/**
 * Idle hosts kept for other environments: a test file that sets its own environment (a shorter
 * deadline, no credentials) between two that share one does not cost the next file a new host.
 */
const IDLE_HOSTS_KEPT = 3;

const hosts = new HostPool((env) => DynamicProviderHost.start(env), IDLE_HOSTS_KEPT);

/**
 * A host for the current environment, reused while the environment is unchanged (hostPool.ts).
 * Call `release` when the run is over.
 */
export function acquireDynamicProviderHost(): Promise<PooledLease<DynamicProviderHost>> {
  return hosts.acquire(process.env);
}

/** Kills every host this process started (exit does it anyway). */
export async function shutdownDynamicProviderHosts(): Promise<void> {
  await hosts.shutdown();
  for (const child of live) child.kill();
}
