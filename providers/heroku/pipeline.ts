// Heroku pipeline (Terraform: heroku_pipeline). Renaming is an in-place PATCH (the API takes the
// id for PATCH and DELETE). A pipeline joins apps of several stacks, so exactly one stack owns it
// and the others couple their app by name (see PipelineCoupling).
//
// Pipeline names are NOT unique on Heroku: `POST /pipelines` with a taken name makes a second
// pipeline (thoughtbot/suspenders#690, heroku/heroku-pipelines#2). So a name is resolved the way
// the heroku CLI does it, `GET /pipelines?eq[name]=<name>` (heroku/cli
// src/lib/pipelines/disambiguate.ts), and where the CLI would ask which one, this refuses, naming
// the ids. Create looks first and never makes a second pipeline of an existing name. It sends an
// `owner` (the team, or the authenticated user) as heroku/cli `pipelines:create` and
// terraform-provider-heroku (heroku/resource_heroku_pipeline.go) do.
import * as pulumi from "@pulumi/pulumi";
import { herokuClientFromEnv, type HerokuClient } from "./client";
import {
  newFailures,
  deleteIgnoringNotFound,
  found,
  diffDeclared,
  gone,
  report,
  seg,
  unlessNotFound,
} from "./providerKit";

export interface PipelineInputs {
  /** Pipeline name: `^[a-z][a-z0-9-]{2,29}$`. */
  name: string;
  /** Team that owns the pipeline (the apps' team). Default: the authenticated user. Create only. */
  team?: string;
  /**
   * Take over an existing pipeline of this name on create instead of failing (the pipeline that
   * was made by hand). Dynamic resources cannot be imported (pulumi/pulumi#16175). Create only.
   */
  adopt?: boolean;
}

export interface PipelineOutputs extends PipelineInputs {
  pipelineId: string;
}

interface PipelineBody {
  id: string;
  name: string;
  created_at?: string;
}

/**
 * Every pipeline of exactly this name (heroku/cli src/lib/api.ts, findPipelineByName). The answer
 * is filtered here too: the schema documents no filter, so a server that ignores it is fine.
 */
export async function pipelinesNamed(client: HerokuClient, name: string): Promise<PipelineBody[]> {
  const listed = await client.list<PipelineBody>(`/pipelines?eq[name]=${encodeURIComponent(name)}`);
  return listed.filter((p) => p.name === name);
}

/** The refusal when several pipelines share a name: the CLI asks which one; a stack cannot. */
export function ambiguousPipeline(name: string, matches: PipelineBody[]): Error {
  const list = matches.map((p) => `${p.id}${p.created_at ? ` created ${p.created_at}` : ""}`);
  return new Error(
    `${matches.length} Heroku pipelines are named \`${name}\` (${list.join(", ")}); Heroku does ` +
      "not keep pipeline names unique. Keep one: move its apps over and destroy or rename the " +
      "others in the Heroku dashboard (Pipelines), then run `pulumi up` again.",
  );
}

const NAME_PATTERN = /^[a-z][a-z0-9-]{2,29}$/;

function outputsFrom(pipeline: PipelineBody, inputs: Partial<PipelineInputs>): PipelineOutputs {
  const out: PipelineOutputs = { name: pipeline.name, pipelineId: pipeline.id };
  if (inputs.adopt !== undefined) out.adopt = inputs.adopt;
  if (inputs.team !== undefined) out.team = inputs.team;
  return out;
}

/** `owner` of a new pipeline: the team, or the user the API key belongs to. */
async function ownerOf(
  client: HerokuClient,
  team: string | undefined,
): Promise<{ id: string; type: "team" | "user" }> {
  if (team !== undefined) {
    const body = await client.get<{ id: string }>(`/teams/${seg(team)}`);
    return { id: body.id, type: "team" };
  }
  const account = await client.get<{ id: string }>("/account");
  return { id: account.id, type: "user" };
}

export const pipelineProvider: pulumi.dynamic.ResourceProvider<PipelineInputs, PipelineOutputs> = {
  async check(_olds, news) {
    const failures = newFailures();
    failures.string(news, "name", {
      pattern: NAME_PATTERN,
      rule: "must be 3-30 characters of a-z, 0-9 and -, starting with a letter",
    });
    if (news.adopt !== undefined && typeof news.adopt !== "boolean") {
      failures.add("adopt", "`adopt` must be a boolean");
    }
    failures.optionalString(news, "team");
    return failures.result(news);
  },

  async diff(_id, olds, news) {
    return diffDeclared<PipelineInputs>(olds, news, { fields: ["name"] });
  },

  async create(inputs) {
    const client = herokuClientFromEnv();
    const existing = await pipelinesNamed(client, inputs.name);
    if (existing.length > 1) throw ambiguousPipeline(inputs.name, existing);
    const [only] = existing;
    if (only) {
      if (!inputs.adopt) {
        throw new Error(
          `Heroku pipeline \`${inputs.name}\` already exists (${only.id}). To manage it from ` +
            "this stack set `adopt: true` on the Pipeline and run `pulumi up` again; to only join " +
            'it, declare a PipelineCoupling with `pipeline: "' +
            inputs.name +
            '"` instead.',
        );
      }
      report(`adopting existing pipeline ${inputs.name} (${only.id})`);
      return { id: only.id, outs: outputsFrom(only, inputs) };
    }
    const owner = await ownerOf(client, inputs.team);
    const pipeline = await client.post<PipelineBody>("/pipelines", { name: inputs.name, owner });
    return { id: pipeline.id, outs: outputsFrom(pipeline, inputs) };
  },

  async read(id, props) {
    const client = herokuClientFromEnv();
    const pipeline = await unlessNotFound(() => client.get<PipelineBody>(`/pipelines/${seg(id)}`));
    if (!pipeline) return gone();
    const outs = outputsFrom(pipeline, props ?? {});
    const { pipelineId: _p, ...inputs } = outs;
    return found<PipelineInputs, PipelineOutputs>(pipeline.id, outs, inputs);
  },

  async update(id, olds, news) {
    const client = herokuClientFromEnv();
    // Heroku would accept it; two pipelines of one name would make every name lookup ambiguous.
    const taken = (await pipelinesNamed(client, news.name)).find((p) => p.id !== id);
    if (taken) {
      throw new Error(
        `cannot rename Heroku pipeline \`${olds.name}\` to \`${news.name}\`: pipeline ${taken.id} ` +
          "already has that name (Heroku does not keep pipeline names unique). Pick another name.",
      );
    }
    const pipeline = await client.patch<PipelineBody>(`/pipelines/${seg(id)}`, { name: news.name });
    return { outs: outputsFrom(pipeline, news) };
  },

  async delete(id) {
    const client = herokuClientFromEnv();
    await deleteIgnoringNotFound(() => client.delete(`/pipelines/${seg(id)}`));
  },
};

export interface PipelineArgs {
  /** Pipeline name. Renaming is in place. */
  readonly name: pulumi.Input<string>;
  /** Owning team (the apps' team). Default: the user of HEROKU_API_KEY. Used on create only. */
  readonly team?: pulumi.Input<string>;
  /** Take over an existing pipeline of this name on create. Default false. */
  readonly adopt?: pulumi.Input<boolean>;
}

/** A Heroku pipeline. Type token `pulumi-nodejs:dynamic/heroku:Pipeline`; id = its uuid. */
export class Pipeline extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;
  declare readonly pipelineId: pulumi.Output<string>;

  constructor(name: string, args: PipelineArgs, opts?: pulumi.CustomResourceOptions) {
    super(pipelineProvider, name, { ...args, pipelineId: undefined }, opts, "heroku", "Pipeline");
  }
}
