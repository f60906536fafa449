// Where an emulator listens: a server of its own, or this process's shared server for its kind.
//
// The dynamic provider host the emulated engine drives inherits HEROKU_API_URL, the keys and the
// rest of the environment when it starts, so a new emulator URL or token means a new host (a
// second of CPU each: it loads @pulumi/pulumi, TypeScript included). Emulators started `shared`
// answer on one URL per kind and process, one at a time, each with fresh state, so consecutive
// tests and files in a worker keep one environment and one host (docs/benchmarks.md).
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export type Listener = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export interface Listening {
  url: string;
  /** Stops answering for this emulator: closes its own server, or leaves the shared one. */
  close(): Promise<void>;
}

/**
 * Where an emulator of `kind` listens: with `shared`, this process's shared server when no other
 * emulator holds it; otherwise (or while it is held) a server of its own on `port` (0: a free one).
 */
export async function listenEmulator(
  kind: string,
  listener: Listener,
  options: { shared?: boolean; port?: number } = {},
): Promise<Listening> {
  return (
    (options.shared ? await listenShared(kind, listener) : undefined) ??
    (await listenAlone(listener, options.port))
  );
}

/** A server of the emulator's own on 127.0.0.1 (`port` 0: a free port). */
async function listenAlone(listener: Listener, port = 0): Promise<Listening> {
  const server = http.createServer(listener);
  return {
    url: await listen(server, port),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

interface SharedServer {
  url: string;
  attached: Listener | undefined;
}

const shared = new Map<string, Promise<SharedServer>>();

/**
 * The shared server of `kind` with `listener` attached, or `undefined` while another emulator
 * holds it (the caller then listens alone). Requests that arrive with nothing attached (a client
 * of an emulator already closed) get 503, so they never reach the next emulator's state.
 */
async function listenShared(kind: string, listener: Listener): Promise<Listening | undefined> {
  let starting = shared.get(kind);
  if (!starting) {
    starting = startSharedServer();
    shared.set(kind, starting);
  }
  const server = await starting;
  if (server.attached) return undefined;
  server.attached = listener;
  return {
    url: server.url,
    close: () => {
      if (server.attached === listener) server.attached = undefined;
      return Promise.resolve();
    },
  };
}

async function startSharedServer(): Promise<SharedServer> {
  const entry: SharedServer = { url: "", attached: undefined };
  const server = http.createServer((req, res) => {
    if (entry.attached) return entry.attached(req, res);
    req.resume();
    res.writeHead(503, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ id: "unavailable", message: "no emulator is attached" }));
  });
  entry.url = await listen(server, 0);
  // The shared server lives as long as the worker process and never keeps it alive.
  server.unref();
  return entry;
}

/** Listens on 127.0.0.1 (`port` 0: a free port) and gives the server's URL. */
async function listen(server: http.Server, port: number): Promise<string> {
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
