// Heroku pipeline (Terraform: heroku_pipeline). Renaming is an in-place PATCH (the API takes the
// id for PATCH and DELETE). A pipeline joins apps of several stacks, so exactly one stack owns it
// and the others couple their app by name (see PipelineCoupling).
import * as pulumi from "@pulumi/pulumi";
import { herokuClientFromEnv, isApiError } from "./client";
import {
  Failures,
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
}

const NAME_PATTERN = /^[a-z][a-z0-9-]{2,29}$/;

function outputsFrom(pipeline: PipelineBody, inputs: Partial<PipelineInputs>): PipelineOutputs {
  const out: PipelineOutputs = { name: pipeline.name, pipelineId: pipeline.id };
  if (inputs.adopt !== undefined) out.adopt = inputs.adopt;
  return out;
}

export const pipelineProvider: pulumi.dynamic.ResourceProvider<PipelineInputs, PipelineOutputs> = {
  async check(_olds, news) {
    const failures = new Failures();
    failures.string(news, "name", {
      pattern: NAME_PATTERN,
      rule: "must be 3-30 characters of a-z, 0-9 and -, starting with a letter",
    });
    if (news.adopt !== undefined && typeof news.adopt !== "boolean") {
      failures.add("adopt", "`adopt` must be a boolean");
    }
    return failures.result(news);
  },

  async diff(_id, olds, news) {
    return diffDeclared<PipelineInputs>(olds, news, { fields: ["name"] });
  },

  async create(inputs) {
    const client = herokuClientFromEnv();
    if (inputs.adopt) {
      // Adopting: take the pipeline of this name if there is one, without trying to create it.
      const existing = await unlessNotFound(() =>
        client.get<PipelineBody>(`/pipelines/${seg(inputs.name)}`),
      );
      if (existing) {
        report(`adopting existing pipeline ${inputs.name} (${existing.id})`);
        return { id: existing.id, outs: outputsFrom(existing, inputs) };
      }
    }
    try {
      const pipeline = await client.post<PipelineBody>("/pipelines", { name: inputs.name });
      return { id: pipeline.id, outs: outputsFrom(pipeline, inputs) };
    } catch (err) {
      if (!isApiError(err, 422)) throw err;
      const existing = await unlessNotFound(() =>
        client.get<PipelineBody>(`/pipelines/${seg(inputs.name)}`),
      );
      if (!existing) throw err;
      if (!inputs.adopt) {
        throw new Error(
          `Heroku pipeline \`${inputs.name}\` already exists (${existing.id}). To manage it from ` +
            "this stack set `adopt: true` on the Pipeline and run `pulumi up` again; to only join " +
            'it, declare a PipelineCoupling with `pipeline: "' +
            inputs.name +
            '"` instead.',
        );
      }
      report(`adopting existing pipeline ${inputs.name} (${existing.id})`);
      return { id: existing.id, outs: outputsFrom(existing, inputs) };
    }
  },

  async read(id, props) {
    const client = herokuClientFromEnv();
    const pipeline = await unlessNotFound(() => client.get<PipelineBody>(`/pipelines/${seg(id)}`));
    if (!pipeline) return gone();
    const outs = outputsFrom(pipeline, props ?? {});
    const { pipelineId: _p, ...inputs } = outs;
    return found<PipelineInputs, PipelineOutputs>(pipeline.id, outs, inputs);
  },

  async update(id, _olds, news) {
    const client = herokuClientFromEnv();
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
