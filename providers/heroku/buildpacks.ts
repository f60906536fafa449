// The ordered buildpack list of an app (Terraform: heroku_app.buildpacks). One PUT replaces the
// whole list, so order is part of the value: swapping two entries is a change.
//
// Spelling: the API answers each installation as `{url, name}`, where `url` is what was installed
// (`heroku/python` for registry buildpacks, the URL otherwise) and `name` its registry name. `read`
// reports each live entry in the spelling the program declared when either `url` or `name` matches
// it, and `url` otherwise, so `heroku/python` and a URL both round-trip without a false diff.
//
// Delete clears the list (PUT []): the resource owns the whole list, and the `retainOnDelete`
// resource option is the way to stop managing it while leaving the buildpacks in place.
import * as pulumi from "@pulumi/pulumi";
import { herokuClientFromEnv } from "./client";
import {
  newFailures,
  isUnknown,
  appIdOf,
  assertSameApp,
  deleteIgnoringNotFound,
  diffDeclared,
  found,
  gone,
  seg,
  unlessNotFound,
} from "./providerKit";

export interface BuildpacksInputs {
  /** App name or id. */
  app: string;
  /** Buildpacks in run order: registry names (`heroku/python`) or URLs. */
  buildpacks: string[];
}

export interface BuildpacksOutputs extends BuildpacksInputs {
  appId: string;
}

interface Installation {
  ordinal: number;
  buildpack: { url: string; name: string };
}

/** Live list in run order, each entry in the declared spelling where it matches one. */
export function spellAsDeclared(live: Installation[], declared: string[] | undefined): string[] {
  return [...live]
    .sort((a, b) => a.ordinal - b.ordinal)
    .map(({ buildpack }) => {
      if (declared?.includes(buildpack.url)) return buildpack.url;
      if (buildpack.name && declared?.includes(buildpack.name)) return buildpack.name;
      return buildpack.url;
    });
}

function putBody(buildpacks: string[]): { updates: { buildpack: string }[] } {
  return { updates: buildpacks.map((buildpack) => ({ buildpack })) };
}

export const buildpacksProvider: pulumi.dynamic.ResourceProvider<
  BuildpacksInputs,
  BuildpacksOutputs
> = {
  async check(_olds, news) {
    const failures = newFailures();
    failures.identity(news, "app", ["appName", "uuid"]);
    const list = news.buildpacks as unknown;
    if (isUnknown(list)) return failures.result(news);
    if (!Array.isArray(list)) {
      failures.add("buildpacks", "`buildpacks` must be a list of buildpack names or URLs");
    } else {
      list.forEach((b, i) => {
        if (!isUnknown(b) && (typeof b !== "string" || b.trim() === "")) {
          failures.add("buildpacks", `\`buildpacks[${i}]\` must be a non-empty string`);
        }
      });
      const dupes = list.filter((b, i) => !isUnknown(b) && list.indexOf(b) !== i);
      if (dupes.length > 0) {
        failures.add("buildpacks", `\`buildpacks\` lists ${JSON.stringify(dupes[0])} twice`);
      }
    }
    return failures.result(news);
  },

  async diff(_id, olds, news) {
    return diffDeclared<BuildpacksInputs>(olds, news, { fields: ["app", "buildpacks"] });
  },

  async create(inputs) {
    const client = herokuClientFromEnv();
    const appId = await appIdOf(client, inputs.app);
    // An adopted app set up by hand may already have them, in this order: nothing to write.
    const current = await client.list<Installation>(`/apps/${seg(appId)}/buildpack-installations`);
    if (sameList(spellAsDeclared(current, inputs.buildpacks), inputs.buildpacks)) {
      return { id: appId, outs: { app: inputs.app, buildpacks: [...inputs.buildpacks], appId } };
    }
    const live = await client.put<Installation[]>(
      `/apps/${seg(appId)}/buildpack-installations`,
      putBody(inputs.buildpacks),
    );
    return {
      id: appId,
      outs: { app: inputs.app, buildpacks: spellAsDeclared(live, inputs.buildpacks), appId },
    };
  },

  async read(id, props) {
    const client = herokuClientFromEnv();
    const live = await unlessNotFound(() =>
      client.list<Installation>(`/apps/${seg(id)}/buildpack-installations`),
    );
    if (!live) return gone();
    const app = props?.app ?? id;
    const buildpacks = spellAsDeclared(live, props?.buildpacks);
    return found<BuildpacksInputs, BuildpacksOutputs>(
      id,
      { app, buildpacks, appId: id },
      { app, buildpacks },
    );
  },

  async update(id, olds, news) {
    const client = herokuClientFromEnv();
    await assertSameApp(client, "Buildpacks", id, olds, news);
    let buildpacks = olds.buildpacks;
    if (!sameList(olds.buildpacks, news.buildpacks)) {
      const live = await client.put<Installation[]>(
        `/apps/${seg(id)}/buildpack-installations`,
        putBody(news.buildpacks),
      );
      buildpacks = spellAsDeclared(live, news.buildpacks);
    }
    return { outs: { app: news.app, buildpacks, appId: id } };
  },

  async delete(id) {
    const client = herokuClientFromEnv();
    await deleteIgnoringNotFound(() =>
      client.put(`/apps/${seg(id)}/buildpack-installations`, putBody([])),
    );
  },
};

function sameList(a: string[] | undefined, b: string[] | undefined): boolean {
  return (a ?? []).length === (b ?? []).length && (a ?? []).every((v, i) => v === b?.[i]);
}

export interface BuildpacksArgs {
  /** App name or id. */
  readonly app: pulumi.Input<string>;
  /** Buildpacks in run order, e.g. `["heroku/nodejs", "heroku/python"]`. */
  readonly buildpacks: pulumi.Input<pulumi.Input<string>[]>;
}

/** An app's ordered buildpacks. Type `pulumi-nodejs:dynamic/heroku:Buildpacks`; id = app uuid. */
export class Buildpacks extends pulumi.dynamic.Resource {
  declare readonly app: pulumi.Output<string>;
  declare readonly buildpacks: pulumi.Output<string[]>;
  declare readonly appId: pulumi.Output<string>;

  constructor(name: string, args: BuildpacksArgs, opts?: pulumi.CustomResourceOptions) {
    super(buildpacksProvider, name, { ...args, appId: undefined }, opts, "heroku", "Buildpacks");
  }
}
