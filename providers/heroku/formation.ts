// Dyno formation of an app (Terraform: heroku_formation), applied with one batch PATCH.
//
// A brand-new app has no release, so it has no process types yet and Heroku refuses to scale them
// ("Couldn't find that process type", 404/422). Failing would block the very first `pulumi up` of a
// new environment, before anyone could deploy the code that defines the types. So create/update
// apply what exists, print a warning naming the types still missing and record them in the
// `pending` output; `diff` reports a change while `pending` is not empty, so every later
// `pulumi up` (no `--refresh` needed) tries again, and the first one after the first deploy
// applies them. `read` returns the live formation, so a refresh shows any other drift.
//
// With `adopt` (taking over a hand-made app), create never rescales: when the live quantity or
// size of a declared type differs it refuses before any write (adoption.ts).
//
// Dyno tiers (config/dynoTiers.ts): the stack config refuses a formation Heroku would refuse; a
// change of tier is sent as one batch of every declared type (Heroku checks what the request
// leaves); a refusal for a running type the stack does not declare names it and the fix.
//
// Delete leaves the dynos running: Heroku has no way to delete a formation, and scaling to zero
// because a resource left the program would take the site down (Terraform's heroku_formation
// delete is also a no-op).
import * as pulumi from "@pulumi/pulumi";
import type { Formation as HerokuFormationBase } from "@heroku-cli/schema";
import { tierOf, tierProblems } from "../../config/dynoTiers";
import { adoptionRefusal, formationDifferences } from "./adoption";
import { herokuClientFromEnv, isApiError, isNotFound, type HerokuClient } from "./client";
import {
  newFailures,
  isUnknown,
  appIdOf,
  assertSameApp,
  found,
  gone,
  report,
  sameValue,
  seg,
  unlessNotFound,
} from "./providerKit";

export interface Process {
  /** Number of dynos. */
  quantity: number;
  /** Dyno size name, e.g. `standard-1X`, `basic`. Compared without regard to case. */
  size: string;
}

export interface FormationInputs {
  /** App name or id. */
  app: string;
  /** Process type (`web`, `worker`, `beat`) → quantity and size. */
  processes: Record<string, Process>;
  /**
   * Taking over a hand-made app: create refuses, before any write, when the live quantity or size
   * of a declared type differs, instead of rescaling. Only read by `create`. Default false.
   */
  adopt?: boolean;
}

export interface FormationOutputs extends FormationInputs {
  appId: string;
  /** Declared process types the app does not have yet (no release defines them). */
  pending: string[];
}

/** The schema package predates `dyno_size`; the API returns it. */
type HerokuFormation = HerokuFormationBase & { dyno_size?: { id?: string; name?: string } };

const TYPE = /^[-\w]{1,128}$/;

function sameProcesses(a: unknown, b: unknown): boolean {
  const norm = (v: unknown): unknown =>
    Object.fromEntries(
      Object.entries((v ?? {}) as Record<string, Process>).map(([t, p]) => [
        t,
        { quantity: p?.quantity, size: String(p?.size ?? "").toLowerCase() },
      ]),
    );
  return sameValue(norm(a), norm(b));
}

function liveSize(f: HerokuFormation): string {
  return f.dyno_size?.name ?? f.size ?? "";
}

/**
 * Scales the given types with one batch PATCH. When Heroku refuses because some type does not
 * exist, lists the app's types, applies the existing ones and returns the rest as pending.
 */
async function apply(
  client: HerokuClient,
  appId: string,
  processes: Record<string, Process>,
  declared: Record<string, Process> = processes,
): Promise<string[]> {
  const types = Object.keys(processes).sort();
  if (types.length === 0) return [];
  const path = `/apps/${seg(appId)}/formation`;
  const updates = (list: string[]) => ({
    updates: list.map((type) => ({
      type,
      quantity: processes[type]?.quantity,
      dyno_size: { name: processes[type]?.size },
    })),
  });
  try {
    await client.patch<HerokuFormation[]>(path, updates(types));
    return [];
  } catch (err) {
    if (isApiError(err, 422) && /dyno types in the same app/i.test(err.message)) {
      throw await tierRefusal(client, path, declared, err.message);
    }
    const missingType =
      isNotFound(err) || (isApiError(err, 422) && /process type/i.test(err.message));
    if (!missingType) throw err;
  }
  const live = await client.list<HerokuFormation>(path);
  const existing = new Set(live.map((f) => f.type));
  const ready = types.filter((t) => existing.has(t));
  const pending = types.filter((t) => !existing.has(t));
  if (ready.length > 0) await client.patch<HerokuFormation[]>(path, updates(ready));
  if (pending.length === 0) return [];
  report(
    `warning: app ${appId} has no process type ${pending.join(", ")} yet (no release defines ` +
      "it). Applied the others; the next `pulumi up` after the first deploy will scale these.",
  );
  return pending;
}

/**
 * Heroku refused the batch for mixing tiers (Eco or Basic next to another tier; the declared
 * formation itself was checked against that by the stack config). What is left is a running
 * process type the stack does not declare: name it and say how to fix it.
 */
async function tierRefusal(
  client: HerokuClient,
  path: string,
  declared: Record<string, Process>,
  herokuMessage: string,
): Promise<Error> {
  const live = await client.list<HerokuFormation>(path);
  const declaredTier = new Set(Object.values(declared).map((p) => tierOf(p.size)));
  const inTheWay = live.filter(
    (f) =>
      f.type &&
      !(f.type in declared) &&
      (f.quantity ?? 0) > 0 &&
      !declaredTier.has(tierOf(liveSize(f))),
  );
  const named = inTheWay.map((f) => `${f.type} (${f.quantity} × ${liveSize(f)})`);
  return new Error(
    `Heroku refused the formation: ${herokuMessage}. ` +
      (named.length > 0
        ? `Process type ${named.join(", ")} runs on the app but is not in the stack's formation, ` +
          "and Eco or Basic dynos cannot run next to another tier. Declare it in " +
          "gyana:heroku.formation with the new size, or scale it to 0 (`heroku ps:scale " +
          `${inTheWay.map((f) => `${f.type}=0`).join(" ")}\`), and run \`pulumi up\` again. Nothing was changed.`
        : "Nothing was changed."),
  );
}

export const formationProvider: pulumi.dynamic.ResourceProvider<FormationInputs, FormationOutputs> =
  {
    async check(_olds, news) {
      const failures = newFailures();
      failures.identity(news, "app", ["appName", "uuid"]);
      const adopt = news.adopt as unknown;
      if (adopt !== undefined && typeof adopt !== "boolean" && !isUnknown(adopt)) {
        failures.add("adopt", "`adopt` must be a boolean");
      }
      const processes = news.processes as unknown;
      if (isUnknown(processes)) return failures.result(news);
      if (!processes || typeof processes !== "object" || Array.isArray(processes)) {
        failures.add("processes", "`processes` must map process types to {quantity, size}");
      } else {
        for (const [type, p] of Object.entries(processes as Record<string, Partial<Process>>)) {
          if (!TYPE.test(type)) {
            failures.add(
              "processes",
              `process type ${JSON.stringify(type)} must match ^[-\\w]{1,128}$`,
            );
          }
          if (isUnknown(p)) continue;
          const q = p?.quantity as unknown;
          if (!isUnknown(q) && (!Number.isInteger(q) || (q as number) < 0)) {
            failures.add("processes", `\`processes.${type}.quantity\` must be a whole number ≥ 0`);
          }
          if (!isUnknown(p?.size) && (typeof p?.size !== "string" || p.size === "")) {
            failures.add("processes", `\`processes.${type}.size\` must be a dyno size name`);
          }
        }
        // Heroku's dyno tier rules, before any API call (config/dynoTiers.ts has the sources).
        const known = Object.entries(processes as Record<string, Partial<Process>>).filter(
          ([, p]) =>
            !isUnknown(p) &&
            Number.isInteger(p?.quantity) &&
            typeof p?.size === "string" &&
            !isUnknown(p.size),
        ) as [string, Process][];
        for (const problem of tierProblems(Object.fromEntries(known))) {
          const where =
            problem.type === undefined
              ? "`processes`"
              : `\`processes.${problem.type}.${problem.field}\``;
          failures.add("processes", `${where} ${problem.reason}`);
        }
      }
      return failures.result(news);
    },

    async diff(_id, olds, news) {
      const changed: string[] = [];
      if (olds.app !== news.app) changed.push("app");
      if (!sameProcesses(olds.processes, news.processes) || (olds.pending ?? []).length > 0) {
        changed.push("processes");
      }
      return { changes: changed.length > 0, replaces: [], deleteBeforeReplace: false };
    },

    async create(inputs) {
      const client = herokuClientFromEnv();
      const appId = await appIdOf(client, inputs.app);
      // An app scaled by hand before (adoption) may already run some types as declared: those
      // are left out of the PATCH, and nothing is sent when all of them match.
      const live = await client.list<HerokuFormation>(`/apps/${seg(appId)}/formation`);
      if (inputs.adopt) {
        const differences = formationDifferences(live, inputs.processes);
        if (differences.length > 0) {
          throw adoptionRefusal(`the formation of app \`${inputs.app}\``, differences);
        }
      }
      const toApply = Object.fromEntries(
        Object.entries(inputs.processes).filter(([type, p]) => {
          const f = live.find((x) => x.type === type);
          return !f || !sameProcesses({ x: { quantity: f.quantity, size: liveSize(f) } }, { x: p });
        }),
      );
      const pending = await apply(client, appId, toApply, inputs.processes);
      return { id: appId, outs: { ...inputs, appId, pending } };
    },

    async read(id, props) {
      const client = herokuClientFromEnv();
      const live = await unlessNotFound(() =>
        client.list<HerokuFormation>(`/apps/${seg(id)}/formation`),
      );
      if (!live) return gone();
      const declared = props?.processes;
      const processes: Record<string, Process> = {};
      for (const f of live) {
        if (!f.type || (declared && !(f.type in declared))) continue;
        const size = liveSize(f);
        const want = declared?.[f.type]?.size;
        processes[f.type] = {
          quantity: f.quantity ?? 0,
          size: want !== undefined && want.toLowerCase() === size.toLowerCase() ? want : size,
        };
      }
      const pending = Object.keys(declared ?? {}).filter((t) => !(t in processes));
      const app = props?.app ?? id;
      return found<FormationInputs, FormationOutputs>(
        id,
        { app, processes, appId: id, pending },
        { app, processes },
      );
    },

    async update(id, olds, news) {
      const client = herokuClientFromEnv();
      await assertSameApp(client, "Formation", id, olds, news);
      const pendingBefore = new Set(olds.pending ?? []);
      // A move into or out of Eco/Basic must be one batch holding every declared type: Heroku
      // checks the formation a request leaves, and a type left behind on the old tier (its
      // recorded spec unchanged, or drifted by hand) would make it refuse the move.
      const tiers = (ps: Record<string, Process> | undefined) =>
        [...new Set(Object.values(ps ?? {}).map((p) => tierOf(p.size)))].sort().join();
      const tierChange = tiers(olds.processes) !== tiers(news.processes);
      const changed: Record<string, Process> = {};
      for (const [type, p] of Object.entries(news.processes)) {
        if (
          tierChange ||
          pendingBefore.has(type) ||
          !sameProcesses({ x: olds.processes?.[type] }, { x: p })
        ) {
          changed[type] = p;
        }
      }
      const pending = await apply(client, id, changed, news.processes);
      return { outs: { ...news, appId: id, pending } };
    },

    async delete(_id, props) {
      report(
        `Formation of app ${props.app} removed from the program: dynos are left as they are ` +
          "(Heroku cannot delete a formation; scale with `heroku ps:scale` if needed).",
      );
    },
  };

export interface FormationArgs {
  /** App name or id. */
  readonly app: pulumi.Input<string>;
  /** Process type → `{quantity, size}`, e.g. `{ web: { quantity: 1, size: "standard-1X" } }`. */
  readonly processes: pulumi.Input<Record<string, pulumi.Input<Process>>>;
  /** Taking over a hand-made app: refuse to rescale on create (see {@link FormationInputs}). */
  readonly adopt?: pulumi.Input<boolean>;
}

/** Dyno quantities and sizes. Type `pulumi-nodejs:dynamic/heroku:Formation`; id = app uuid. */
export class Formation extends pulumi.dynamic.Resource {
  declare readonly app: pulumi.Output<string>;
  declare readonly processes: pulumi.Output<Record<string, Process>>;
  declare readonly appId: pulumi.Output<string>;
  declare readonly pending: pulumi.Output<string[]>;

  constructor(name: string, args: FormationArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      formationProvider,
      name,
      { ...args, appId: undefined, pending: undefined },
      opts,
      "heroku",
      "Formation",
    );
  }
}
