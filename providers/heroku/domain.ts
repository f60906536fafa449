// Heroku custom domain (Terraform: heroku_domain). The hostname is the domain's identity: a new
// hostname is a new domain. The certificate it is served with (`sniEndpoint`) changes in place
// with a PATCH. `cname` is the DNS target the hostname's CNAME record must point to.
//
// Heroku may not know the DNS target yet when it answers the create: the schema types `cname` as
// null-or-string, and the heroku CLI polls `/apps/{app}/domains` until no custom domain has a null
// `cname` (heroku/cli src/lib/certs/domains.ts, `waitForDomains`). So create waits (bounded, with
// progress lines) until the target is there, and never returns a domain without one: the CNAME
// record that depends on it must not be written with an empty target. A domain this create added
// whose target does not come in time is removed again, so that nothing is left half-made.
import * as pulumi from "@pulumi/pulumi";
import { herokuClientFromEnv, isApiError, type HerokuClient } from "./client";
import {
  newFailures,
  assertSameApp,
  deleteIgnoringNotFound,
  diffDeclared,
  envMs,
  found,
  gone,
  pollUntil,
  report,
  seg,
  unlessNotFound,
} from "./providerKit";

export interface DomainInputs {
  /** App name or id. */
  app: string;
  /** Fully qualified hostname, e.g. `app.gyana.com`. */
  hostname: string;
  /** SNI endpoint id or name serving this hostname; null for none (e.g. ACM). */
  sniEndpoint: string | null;
  /**
   * When the hostname is already on this app (added by hand), take that domain over instead of
   * failing. Pulumi cannot import dynamic-provider resources (pulumi/pulumi#16175), so this is
   * the explicit way in. Only read by `create`.
   */
  adopt?: boolean;
}

export interface DomainOutputs extends DomainInputs {
  domainId: string;
  /** The app's uuid. */
  appId: string;
  /** DNS target for the hostname's CNAME record, e.g. `xyz.herokudns.com`. */
  cname: string | null;
  /** Heroku's domain status, e.g. `pending` until DNS points at Heroku. */
  status: string;
}

interface DomainBody {
  id: string;
  hostname: string;
  cname?: string | null;
  status?: string;
  app?: { id?: string; name?: string };
  sni_endpoint?: { id?: string; name?: string } | null;
}

const HOSTNAME = /^(\*\.)?([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/;

/** The attached endpoint in the spelling the inputs used (id or name), so a refresh is quiet. */
function sniSpelling(body: DomainBody, declared: string | null | undefined): string | null {
  const sni = body.sni_endpoint;
  if (!sni) return null;
  if (declared && (declared === sni.id || declared === sni.name)) return declared;
  return sni.id ?? sni.name ?? null;
}

function outputsFrom(body: DomainBody, inputs: DomainInputs): DomainOutputs {
  return {
    app: inputs.app,
    hostname: body.hostname,
    sniEndpoint: sniSpelling(body, inputs.sniEndpoint),
    ...(inputs.adopt === undefined ? {} : { adopt: inputs.adopt }),
    domainId: body.id,
    appId: body.app?.id ?? "",
    cname: body.cname ?? null,
    status: body.status ?? "",
  };
}

/** Polls the domain (one GET each) until Heroku has assigned its DNS target. */
async function withDnsTarget(
  client: HerokuClient,
  app: string,
  body: DomainBody,
): Promise<DomainBody> {
  if (body.cname) return body;
  return pollUntil<DomainBody>({
    what: `the DNS target (cname) of domain ${body.hostname}`,
    deadlineMs: envMs("HEROKU_DOMAIN_TARGET_TIMEOUT_MS", 5 * 60_000),
    intervalMs: envMs("HEROKU_POLL_INTERVAL_MS", 2_000),
    maxIntervalMs: envMs("HEROKU_POLL_MAX_INTERVAL_MS", 15_000),
    probe: async () => {
      const current = await client.get<DomainBody>(`/apps/${seg(app)}/domains/${seg(body.id)}`);
      return current.cname
        ? { done: true, value: current, status: "assigned" }
        : { done: false, value: current, status: "not assigned yet" };
    },
  });
}

export const domainProvider: pulumi.dynamic.ResourceProvider<DomainInputs, DomainOutputs> = {
  async check(_olds, news) {
    const failures = newFailures();
    failures.identity(news, "app", ["appName", "uuid"]);
    const inputs: DomainInputs = {
      ...news,
      hostname:
        typeof news.hostname === "string"
          ? news.hostname.toLowerCase().replace(/\.$/, "")
          : news.hostname,
      // The API requires the field; null means "no certificate" (heroku/platform-api#130).
      sniEndpoint: news.sniEndpoint ?? null,
    };
    failures.string(inputs, "hostname", {
      pattern: HOSTNAME,
      rule: "must be a fully qualified hostname such as app.gyana.com",
    });
    if (inputs.sniEndpoint !== null && typeof inputs.sniEndpoint !== "string") {
      failures.add("sniEndpoint", "`sniEndpoint` must be an SNI endpoint id or name, or null");
    }
    return failures.result(inputs);
  },

  async diff(_id, olds, news) {
    return diffDeclared<DomainInputs>(olds, news, {
      fields: ["app", "hostname", "sniEndpoint"],
      // A new hostname does not collide with the old one: add it before removing the old.
      replaceKeys: ["hostname"],
      equal: {
        hostname: (a, b) => String(a).toLowerCase() === String(b).toLowerCase(),
      },
    });
  },

  async create(inputs) {
    const client = herokuClientFromEnv();
    const path = `/apps/${seg(inputs.app)}/domains`;
    const adoptExisting = async (existing: DomainBody) => {
      report(`adopting existing domain ${inputs.hostname} (${existing.id})`);
      const attached = sniSpelling(existing, inputs.sniEndpoint);
      const body =
        attached === inputs.sniEndpoint
          ? existing
          : await client.patch<DomainBody>(`${path}/${seg(existing.id)}`, {
              sni_endpoint: inputs.sniEndpoint,
            });
      const ready = await withDnsTarget(client, inputs.app, body);
      return { id: ready.id, outs: outputsFrom(ready, inputs) };
    };
    if (inputs.adopt) {
      // Adopting: a domain already on the app is taken without trying to add it again.
      const existing = await unlessNotFound(() =>
        client.get<DomainBody>(`${path}/${seg(inputs.hostname)}`),
      );
      if (existing) return adoptExisting(existing);
    }
    try {
      const body = await client.post<DomainBody>(path, {
        hostname: inputs.hostname,
        sni_endpoint: inputs.sniEndpoint,
      });
      let ready: DomainBody;
      try {
        ready = await withDnsTarget(client, inputs.app, body);
      } catch (waitError) {
        // Do not leave a domain behind that no state knows of: the next `up` starts clean.
        await deleteIgnoringNotFound(() => client.delete(`${path}/${seg(body.id)}`));
        throw new Error(
          `${(waitError as Error).message}. Heroku added ${inputs.hostname} to app ${inputs.app} ` +
            "but gave it no DNS target in time, so it was removed again and no DNS record was " +
            "written; run `pulumi up` again (raise HEROKU_DOMAIN_TARGET_TIMEOUT_MS to wait longer).",
        );
      }
      return { id: ready.id, outs: outputsFrom(ready, inputs) };
    } catch (err) {
      if (!isApiError(err, 422)) throw err;
      const existing = await unlessNotFound(() =>
        client.get<DomainBody>(`${path}/${seg(inputs.hostname)}`),
      );
      if (!existing) throw err;
      if (!inputs.adopt) {
        throw new Error(
          `${inputs.hostname} is already a domain of app ${inputs.app} (added outside this stack). ` +
            "To manage it here, set `adopt: true` on the domain (CustomDomain: list it in `adopt.hostnames`); " +
            `or remove it with \`heroku domains:remove ${inputs.hostname} -a ${inputs.app}\` and run \`pulumi up\` again.`,
        );
      }
      return adoptExisting(existing);
    }
  },

  async read(id, props) {
    if (!props?.app) throw new Error("Domain read needs the app (import is not supported)");
    const client = herokuClientFromEnv();
    const body = await unlessNotFound(() =>
      client.get<DomainBody>(`/apps/${seg(props.app)}/domains/${seg(id)}`),
    );
    if (!body) return gone();
    const outs = outputsFrom(body, props);
    return found<DomainInputs, DomainOutputs>(body.id, outs, {
      app: outs.app,
      hostname: outs.hostname,
      sniEndpoint: outs.sniEndpoint,
      ...(props.adopt === undefined ? {} : { adopt: props.adopt }),
    });
  },

  async update(id, olds, news) {
    const client = herokuClientFromEnv();
    await assertSameApp(client, "Domain", olds.appId, olds, news);
    if (olds.sniEndpoint === news.sniEndpoint) {
      return { outs: { ...olds, app: news.app } };
    }
    const body = await client.patch<DomainBody>(`/apps/${seg(news.app)}/domains/${seg(id)}`, {
      sni_endpoint: news.sniEndpoint,
    });
    return { outs: outputsFrom(body, news) };
  },

  async delete(id, props) {
    const client = herokuClientFromEnv();
    await deleteIgnoringNotFound(() => client.delete(`/apps/${seg(props.app)}/domains/${seg(id)}`));
  },
};

export interface DomainArgs {
  /** App name or id. */
  readonly app: pulumi.Input<string>;
  /** Fully qualified hostname, e.g. `app.gyana.com`. Changing it replaces the domain. */
  readonly hostname: pulumi.Input<string>;
  /** SNI endpoint id or name; default none (sent as null). Changes in place. */
  readonly sniEndpoint?: pulumi.Input<string | null>;
  /** Take over the hostname if it is already on the app. Default false. */
  readonly adopt?: pulumi.Input<boolean>;
}

/** A Heroku custom domain. Type token `pulumi-nodejs:dynamic/heroku:Domain`; id = its uuid. */
export class Domain extends pulumi.dynamic.Resource {
  declare readonly app: pulumi.Output<string>;
  declare readonly hostname: pulumi.Output<string>;
  declare readonly sniEndpoint: pulumi.Output<string | null>;
  declare readonly domainId: pulumi.Output<string>;
  declare readonly appId: pulumi.Output<string>;
  declare readonly cname: pulumi.Output<string | null>;
  declare readonly status: pulumi.Output<string>;

  constructor(name: string, args: DomainArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      domainProvider,
      name,
      {
        ...args,
        sniEndpoint: args.sniEndpoint ?? null,
        domainId: undefined,
        appId: undefined,
        cname: undefined,
        status: undefined,
      },
      opts,
      "heroku",
      "Domain",
    );
  }
}
