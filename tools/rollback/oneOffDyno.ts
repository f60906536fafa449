// Runs a command on a one-off dyno and learns how it ended. The Platform API has no exit code
// for dynos, so, like `heroku run:detached` followed by `heroku logs --dyno`, the outcome is read
// from the dyno's own log: `heroku[run.N]: Process exited with status X`.
import type { HerokuClient } from "../../providers/heroku/client";
import { isNotFound } from "../../providers/heroku/client";
import { apiId, seg } from "../../providers/heroku/providerKit";
import { appPath } from "../release/cli";
import { describeWait, pollUntil, type Clock } from "../release/poll";

export interface Dyno {
  id: string;
  name: string;
  state?: string;
}

export interface DynoOutcome {
  dyno: string;
  /** null when no exit line was found: the outcome is unknown, which callers treat as failure. */
  exitCode: number | null;
  /** The command's own output (`app[run.N]` lines), without the log prefix. */
  output: string[];
}

export interface OneOffOptions {
  /** Heroku kills the dyno after this long. Default 1 hour. */
  timeToLiveSeconds?: number;
  clock: Clock;
  /** Fetch for the log stream (the logplex URL is not an API call). Default global fetch. */
  fetch?: typeof fetch;
  /** Each output line as it arrives. */
  onOutput?: (line: string) => void;
  /** Progress while waiting for the dyno when its log stream ended early. */
  onWait?: (line: string) => void;
}

const LOG_LINE = /^\S+\s+(app|heroku)\[([^\]]+)\]:\s?(.*)$/;
const EXITED = /^Process exited with status (\d+)/;

interface LogScan {
  exitCode: number | null;
  output: string[];
}

/** Reads Heroku-format log lines of `dyno` until its exit line or the end of the stream. */
export async function scanLog(
  url: string,
  dyno: string,
  options: { fetch: typeof fetch; timeoutMs: number; onOutput?: (line: string) => void },
): Promise<LogScan> {
  const scan: LogScan = { exitCode: null, output: [] };
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs);
  timer.unref?.();
  const take = (raw: string): boolean => {
    const match = LOG_LINE.exec(raw.replace(/\r$/, ""));
    if (!match || match[2] !== dyno) return false;
    const [, source, , text = ""] = match;
    if (source === "app") {
      scan.output.push(text);
      options.onOutput?.(text);
      return false;
    }
    const exited = EXITED.exec(text);
    if (exited) scan.exitCode = Number(exited[1]);
    return exited !== null;
  };
  try {
    const response = await options.fetch(url, { signal: controller.signal });
    if (!response.ok || !response.body) {
      throw new Error(`log session answered ${response.status}`);
    }
    const decoder = new TextDecoder();
    let buffer = "";
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      // A tailing session never ends by itself: stop at the exit line.
      if (lines.some(take)) {
        controller.abort();
        return scan;
      }
    }
    if (buffer) take(buffer);
    return scan;
  } catch (error) {
    if (controller.signal.aborted) return scan;
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** Starts `command` detached, follows its log, and returns how it exited. */
export async function runOneOffDyno(
  client: HerokuClient,
  app: string,
  command: string,
  options: OneOffOptions,
): Promise<DynoOutcome> {
  const ttl = options.timeToLiveSeconds ?? 3600;
  const fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
  const dyno = await client.post<Dyno>(`${appPath(app)}/dynos`, {
    command,
    attach: false,
    type: "run",
    time_to_live: ttl,
  });
  const session = await client.post<{ logplex_url: string }>(`${appPath(app)}/log-sessions`, {
    dyno_name: dyno.name,
    tail: true,
    lines: 1500,
  });
  // A log stream that fails says nothing about the dyno, which keeps running: fall through to
  // waiting for it and reading its log again.
  const followed = await scanLog(session.logplex_url, dyno.name, {
    fetch: fetchImpl,
    timeoutMs: (ttl + 120) * 1000,
    onOutput: options.onOutput,
  }).catch((): LogScan => ({ exitCode: null, output: [] }));
  if (followed.exitCode !== null) return { dyno: dyno.name, ...followed };

  // The stream closed early (a dropped connection, or a log router that does not tail): wait
  // for the dyno to be gone, then read its whole log once more.
  const dynoPath = `${appPath(app)}/dynos/${seg(apiId(dyno.id, `one-off dyno ${dyno.name} of ${app}`))}`;
  await pollUntil(
    async () => {
      try {
        return await client.get<Dyno>(dynoPath);
      } catch (error) {
        if (isNotFound(error)) return null;
        throw error;
      }
    },
    (current) => current === null || current.state === "crashed" || current.state === "down",
    options.clock,
    {
      what: `dyno ${dyno.name} of ${app} to finish`,
      timeoutMs: (ttl + 120) * 1000,
      describe: (current) => (current ? `state ${current.state}` : "gone"),
      onWait: (current, _delay, progress) =>
        options.onWait?.(
          `the log stream ended before the exit status; waiting for ${dyno.name} to finish ` +
            `(${current ? current.state : "gone"}; ${describeWait(progress)})`,
        ),
    },
  );
  const replay = await client.post<{ logplex_url: string }>(`${appPath(app)}/log-sessions`, {
    dyno_name: dyno.name,
    tail: false,
    lines: 1500,
  });
  // The replay starts from the beginning: show only what the first stream had not shown.
  let replayed = 0;
  const again = await scanLog(replay.logplex_url, dyno.name, {
    fetch: fetchImpl,
    timeoutMs: 120_000,
    onOutput: (line) => {
      if (++replayed > followed.output.length) options.onOutput?.(line);
    },
  }).catch((): LogScan => ({ exitCode: null, output: followed.output }));
  return { dyno: dyno.name, exitCode: again.exitCode, output: again.output };
}
