// One-off dynos scripted by `state.onDyno`, and log sessions whose logplex URL points back at
// the emulator and answers text/plain lines in Heroku's format.
import type { ServerResponse } from "node:http";
import { dynoShape } from "../shapes";
import { invalid, notFound, type Routes } from "../http";
import { digits, isoSeconds, logTimestamp, newId } from "../ids";
import type { AppRecord, DynoRecord, EmulatorState, LogSessionRecord } from "../state";

interface DynoCreate {
  command: string;
  attach?: boolean;
  env?: Record<string, string>;
  size?: string;
  type?: string;
  time_to_live?: number;
}

function dynoName(app: AppRecord, type: string): string {
  for (;;) {
    const name = `${type}.${digits(4)}`;
    if (![...app.dynos.values()].some((d) => d.name === name)) return name;
  }
}

interface LogLine {
  source: "app" | "heroku";
  text: string;
}

function line(date: Date, dyno: DynoRecord, l: LogLine): string {
  return `${logTimestamp(date)} ${l.source}[${dyno.name}]: ${l.text}\n`;
}

function startLines(dyno: DynoRecord): LogLine[] {
  return [
    { source: "heroku", text: `Starting process with command \`${dyno.command}\`` },
    { source: "heroku", text: "State changed from starting to up" },
  ];
}

function outputLines(dyno: DynoRecord): LogLine[] {
  return dyno.outcome.output.map((text) => ({ source: "app" as const, text }));
}

function exitLines(dyno: DynoRecord): LogLine[] {
  return [
    { source: "heroku", text: `Process exited with status ${dyno.outcome.exitCode}` },
    { source: "heroku", text: "State changed from up to complete" },
  ];
}

function keep(session: LogSessionRecord, l: LogLine): boolean {
  return !session.source || session.source === l.source;
}

export const dynoRoutes: Routes = {
  "POST /apps/{app}/dynos": ({ state, params, body }) => {
    const app = state.app(params.app!);
    const b = body as DynoCreate;
    const release = state.currentRelease(app);
    if (!release?.slug)
      throw invalid("App has no release with a slug; deploy before running a dyno.");
    const scripted = state.onDyno(b.command);
    const now = state.now();
    const dyno: DynoRecord = {
      id: newId(),
      name: dynoName(app, b.type ?? "run"),
      command: b.command,
      type: b.type ?? "run",
      size: b.size ?? "basic",
      state: "starting",
      attach: b.attach ?? false,
      env: b.env ?? {},
      releaseId: release.id,
      releaseVersion: release.version,
      outcome: { exitCode: scripted.exitCode, output: scripted.output, polls: scripted.polls ?? 1 },
      gets: 0,
      createdAt: now,
      updatedAt: now,
    };
    state.dynoSize(dyno.size);
    app.dynos.set(dyno.id, dyno);
    return { body: dynoShape(app, dyno) };
  },
  "GET /apps/{app}/dynos": ({ state, params }) => {
    const app = state.app(params.app!);
    return {
      list: [...app.dynos.values()]
        .filter((d) => d.state !== "complete")
        .map((d) => dynoShape(app, d)),
    };
  },
  "GET /apps/{app}/dynos/{dyno}": ({ state, params }) => {
    const app = state.app(params.app!);
    const dyno = state.dyno(app, params.dyno!);
    dyno.gets += 1;
    if (dyno.gets > dyno.outcome.polls) {
      state.finishDyno(app, dyno);
      throw notFound("process");
    }
    dyno.state = "up";
    return { body: dynoShape(app, dyno) };
  },
  "POST /apps/{app}/dynos/{dyno}/actions/stop": ({ state, params }) => {
    const app = state.app(params.app!);
    state.finishDyno(app, state.dyno(app, params.dyno!));
    return { status: 202, body: {} };
  },
  "DELETE /apps/{app}/dynos/{dyno}": ({ state, params }) => {
    const app = state.app(params.app!);
    state.finishDyno(app, state.dyno(app, params.dyno!));
    return { status: 202, body: {} };
  },
  "DELETE /apps/{app}/dynos": ({ state, params }) => {
    const app = state.app(params.app!);
    for (const d of app.dynos.values()) state.finishDyno(app, d);
    return { status: 202, body: {} };
  },
  "POST /apps/{app}/log-sessions": ({ state, params, body, baseUrl }) => {
    const app = state.app(params.app!);
    const b = body as { dyno_name?: string; source?: string; tail?: boolean; lines?: number };
    const now = state.now();
    const session: LogSessionRecord = {
      id: newId(),
      appId: app.id,
      dynoName: b.dyno_name,
      source: b.source,
      tail: b.tail ?? false,
      lines: b.lines,
      createdAt: now,
    };
    state.logSessions.set(session.id, session);
    return {
      body: {
        created_at: isoSeconds(now),
        id: session.id,
        logplex_url: `${baseUrl}/logplex/${session.id}`,
        updated_at: isoSeconds(now),
      },
    };
  },
};

/**
 * The logplex side of a log session (no auth, as the real URL carries its own secret). With
 * `tail`, running dynos play out their output and exit before the response ends.
 */
export function serveLogplex(
  state: EmulatorState,
  id: string,
  res: ServerResponse,
  onStatus: (status: number) => void,
): void {
  const session = state.logSessions.get(id);
  const app = session ? state.apps.get(session.appId) : undefined;
  if (!session || !app) {
    onStatus(404);
    res.writeHead(404, { "Content-Type": "text/plain" });
    res.end("Session not found\n");
    return;
  }
  onStatus(200);
  res.writeHead(200, { "Content-Type": "text/plain; charset=utf-8" });
  const dynos = [...app.dynos.values()].filter(
    (d) => !session.dynoName || d.name === session.dynoName,
  );
  if (!session.tail) {
    const text: string[] = [];
    for (const d of dynos) {
      const lines = [
        ...startLines(d),
        ...outputLines(d),
        ...(d.state === "complete" ? exitLines(d) : []),
      ];
      for (const l of lines.filter((l) => keep(session, l))) {
        text.push(
          line(
            l.text.startsWith("Process exited") || l.text.endsWith("to complete")
              ? (d.finishedAt ?? d.createdAt)
              : d.createdAt,
            d,
            l,
          ),
        );
      }
    }
    res.end((session.lines !== undefined ? text.slice(-session.lines) : text).join(""));
    return;
  }
  void tail(state, app, session, dynos, res);
}

async function tail(
  state: EmulatorState,
  app: AppRecord,
  session: LogSessionRecord,
  dynos: DynoRecord[],
  res: ServerResponse,
): Promise<void> {
  const pause = (): Promise<void> => new Promise((r) => setTimeout(r, 5));
  for (const d of dynos) {
    for (const l of [...startLines(d), ...outputLines(d)]) {
      if (keep(session, l)) res.write(line(d.createdAt, d, l));
      await pause();
    }
    if (d.state !== "complete") d.state = "up";
    state.finishDyno(app, d);
    for (const l of exitLines(d))
      if (keep(session, l)) res.write(line(d.finishedAt ?? d.createdAt, d, l));
  }
  res.end();
}
