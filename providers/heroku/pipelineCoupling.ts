// Heroku pipeline coupling (Terraform: heroku_pipeline_coupling): an app's place in a pipeline.
// `pipeline` may be the pipeline's id or its name: the API wants the id, so a name is resolved
// when the coupling is created, as the heroku CLI does it: `GET /pipelines?eq[name]=<name>`
// (heroku/cli src/lib/pipelines/disambiguate.ts). Names are not unique on Heroku; where the CLI
// asks which pipeline, this refuses, naming the ids. That lets a stack join a pipeline
// that another stack owns. An app belongs to at most one pipeline, so a replacement deletes the
// old coupling first.
import * as pulumi from "@pulumi/pulumi";
import { herokuClientFromEnv, isApiError } from "./client";
import { ambiguousPipeline, pipelinesNamed } from "./pipeline";
import {
  newFailures,
  deleteIgnoringNotFound,
  found,
  gone,
  report,
  seg,
  unlessNotFound,
} from "./providerKit";

export type PipelineStage = "development" | "staging" | "production";

export interface PipelineCouplingInputs {
  /** App name or id. */
  app: string;
  /** Pipeline id or name. */
  pipeline: string;
  stage: PipelineStage;
}

export interface PipelineCouplingOutputs extends PipelineCouplingInputs {
  couplingId: string;
  /** The pipeline's id, resolved from `pipeline`. */
  pipelineId: string;
}

interface CouplingBody {
  id: string;
  app: { id: string };
  pipeline: { id: string };
  stage: string;
}

const STAGES = ["development", "staging", "production"];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function resolvePipeline(pipeline: string): Promise<string> {
  if (UUID.test(pipeline)) return pipeline;
  const client = herokuClientFromEnv();
  const matches = await pipelinesNamed(client, pipeline);
  if (matches.length > 1) throw ambiguousPipeline(pipeline, matches);
  const [existing] = matches;
  if (!existing) {
    throw new Error(
      `Heroku pipeline \`${pipeline}\` does not exist. It is created by the stack that owns it ` +
        "(`gyana:heroku.pipeline.owner: true`, normally prod): run `pulumi up` on that stack first.",
    );
  }
  return existing.id;
}

function outputsFrom(body: CouplingBody, inputs: PipelineCouplingInputs): PipelineCouplingOutputs {
  return {
    app: inputs.app,
    pipeline: inputs.pipeline,
    stage: body.stage as PipelineStage,
    couplingId: body.id,
    pipelineId: body.pipeline.id,
  };
}

export const pipelineCouplingProvider: pulumi.dynamic.ResourceProvider<
  PipelineCouplingInputs,
  PipelineCouplingOutputs
> = {
  async check(_olds, news) {
    const failures = newFailures();
    failures.identity(news, "app", ["appName", "uuid"]);
    failures.identity(news, "pipeline", ["pipelineName", "uuid"]);
    if (!STAGES.includes(news.stage)) {
      failures.add("stage", `\`stage\` must be one of: ${STAGES.join(", ")}`);
    }
    return failures.result(news);
  },

  async diff(_id, olds, news) {
    // The same pipeline may be named by its id or its name: compare with both.
    const pipelineChanged = news.pipeline !== olds.pipeline && news.pipeline !== olds.pipelineId;
    const replaces = [
      ...(olds.app !== news.app ? ["app"] : []),
      ...(pipelineChanged ? ["pipeline"] : []),
    ];
    const changes = replaces.length > 0 || olds.stage !== news.stage;
    return { changes, replaces, deleteBeforeReplace: replaces.length > 0 };
  },

  async create(inputs) {
    const client = herokuClientFromEnv();
    const pipelineId = await resolvePipeline(inputs.pipeline);
    // Coupled already (by hand, or an interrupted create): adopt it without a refused create.
    const coupled = await unlessNotFound(() =>
      client.get<CouplingBody>(`/apps/${seg(inputs.app)}/pipeline-couplings`),
    );
    if (coupled && coupled.pipeline.id === pipelineId) {
      report(`app ${inputs.app} is already in pipeline ${inputs.pipeline}; adopting the coupling`);
      const body =
        coupled.stage === inputs.stage
          ? coupled
          : await client.patch<CouplingBody>(`/pipeline-couplings/${seg(coupled.id)}`, {
              stage: inputs.stage,
            });
      return { id: body.id, outs: outputsFrom(body, inputs) };
    }
    try {
      const body = await client.post<CouplingBody>("/pipeline-couplings", {
        app: inputs.app,
        pipeline: pipelineId,
        stage: inputs.stage,
      });
      return { id: body.id, outs: outputsFrom(body, inputs) };
    } catch (err) {
      if (!isApiError(err, 422)) throw err;
      // Already coupled (an interrupted create, or done by hand): adopt it when it is this
      // pipeline, and fix the stage; another pipeline is the operator's call.
      const current = await unlessNotFound(() =>
        client.get<CouplingBody>(`/apps/${seg(inputs.app)}/pipeline-couplings`),
      );
      if (!current) throw err;
      if (current.pipeline.id !== pipelineId) {
        throw new Error(
          `Heroku app \`${inputs.app}\` is already in another pipeline (${current.pipeline.id}); ` +
            "remove it from that pipeline (`heroku pipelines:remove`) and run `pulumi up` again.",
        );
      }
      report(`app ${inputs.app} is already in pipeline ${inputs.pipeline}; adopting the coupling`);
      const body =
        current.stage === inputs.stage
          ? current
          : await client.patch<CouplingBody>(`/pipeline-couplings/${seg(current.id)}`, {
              stage: inputs.stage,
            });
      return { id: body.id, outs: outputsFrom(body, inputs) };
    }
  },

  async read(id, props) {
    if (!props?.app)
      throw new Error("PipelineCoupling read needs the app (import is not supported)");
    const client = herokuClientFromEnv();
    const body = await unlessNotFound(() =>
      client.get<CouplingBody>(`/pipeline-couplings/${seg(id)}`),
    );
    if (!body) return gone();
    const outs = outputsFrom(body, props);
    // Moved to another pipeline by hand: show the live one, so the next diff replaces it back.
    if (body.pipeline.id !== props.pipelineId) outs.pipeline = body.pipeline.id;
    const { couplingId: _c, pipelineId: _p, ...inputs } = outs;
    return found<PipelineCouplingInputs, PipelineCouplingOutputs>(body.id, outs, inputs);
  },

  async update(id, _olds, news) {
    const client = herokuClientFromEnv();
    const body = await client.patch<CouplingBody>(`/pipeline-couplings/${seg(id)}`, {
      stage: news.stage,
    });
    return { outs: outputsFrom(body, news) };
  },

  async delete(id) {
    const client = herokuClientFromEnv();
    await deleteIgnoringNotFound(() => client.delete(`/pipeline-couplings/${seg(id)}`));
  },
};

export interface PipelineCouplingArgs {
  /** App name or id. Changing it replaces the coupling. */
  readonly app: pulumi.Input<string>;
  /** Pipeline id or name (a name is resolved on create). Changing it replaces the coupling. */
  readonly pipeline: pulumi.Input<string>;
  /** development, staging or production. Changes in place. */
  readonly stage: pulumi.Input<PipelineStage>;
}

/** An app's place in a pipeline. Type token `pulumi-nodejs:dynamic/heroku:PipelineCoupling`. */
export class PipelineCoupling extends pulumi.dynamic.Resource {
  declare readonly app: pulumi.Output<string>;
  declare readonly pipeline: pulumi.Output<string>;
  declare readonly stage: pulumi.Output<PipelineStage>;
  declare readonly couplingId: pulumi.Output<string>;
  declare readonly pipelineId: pulumi.Output<string>;

  constructor(name: string, args: PipelineCouplingArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      pipelineCouplingProvider,
      name,
      { ...args, couplingId: undefined, pipelineId: undefined },
      opts,
      "heroku",
      "PipelineCoupling",
    );
  }
}
