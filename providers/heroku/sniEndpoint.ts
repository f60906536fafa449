// Heroku SNI endpoint (Terraform: heroku_ssl): a certificate chain and its private key, served for
// the app's custom domains. Renewing the certificate is an in-place PATCH of the same endpoint,
// never a replacement, so domains stay attached and there is no gap in TLS. Heroku never returns
// the private key: it lives in state as a secret, and a refresh compares the certificate only.
import * as pulumi from "@pulumi/pulumi";
import { herokuClientFromEnv } from "./client";
import {
  newFailures,
  assertSameApp,
  deleteIgnoringNotFound,
  diffDeclared,
  gone,
  report,
  seg,
  unlessNotFound,
} from "./providerKit";

export interface SniEndpointInputs {
  /** App name or id. */
  app: string;
  /** PEM: server certificate first, then intermediates. */
  certificateChain: string;
  /** Unencrypted PEM private key of the server certificate. Secret. */
  privateKey: string;
  /**
   * Name or id of an SNI endpoint made by hand to take over on create: the declared certificate
   * is uploaded to it (PATCH) instead of adding a second endpoint. Pulumi cannot import
   * dynamic-provider resources (pulumi/pulumi#16175), so this is the explicit way in. Only read
   * by `create`.
   */
  adopt?: string;
}

export interface SniEndpointOutputs extends SniEndpointInputs {
  sniEndpointId: string;
  /** Server-assigned name, e.g. `tyrannosaurus-12345`. */
  name: string;
  /** The app's uuid. */
  appId: string;
  /** Certificate expiry (ISO 8601). */
  expiresAt: string;
  /** Names the certificate covers, as Heroku reads them. */
  certDomains: string[];
  /** Common names (CN) of the certificate subject. */
  commonNames: string[];
}

interface SniBody {
  id: string;
  name: string;
  certificate_chain: string;
  app?: { id?: string; name?: string };
  ssl_cert?: {
    cert_domains?: string[];
    expires_at?: string;
    subject?: string;
  };
}

/** Line endings and surrounding blank space are not part of a certificate. */
function normalizePem(pem: string): string {
  return pem.replace(/\r\n/g, "\n").trim();
}

function outputsFrom(body: SniBody, inputs: SniEndpointInputs): SniEndpointOutputs {
  const adopt = inputs.adopt === undefined ? {} : { adopt: inputs.adopt };
  const subject = body.ssl_cert?.subject ?? "";
  const commonNames = [...subject.matchAll(/(?:^|[/,]\s*)CN\s*=\s*([^/,]+)/g)].map((m) =>
    (m[1] ?? "").trim(),
  );
  const sameCertificate =
    normalizePem(body.certificate_chain ?? "") === normalizePem(inputs.certificateChain);
  return {
    app: inputs.app,
    // Keep the declared spelling when Heroku holds the same certificate, so that a reformatted
    // PEM is not reported as drift.
    certificateChain: sameCertificate ? inputs.certificateChain : body.certificate_chain,
    privateKey: inputs.privateKey,
    ...adopt,
    sniEndpointId: body.id,
    name: body.name,
    appId: body.app?.id ?? "",
    expiresAt: body.ssl_cert?.expires_at ?? "",
    certDomains: body.ssl_cert?.cert_domains ?? [],
    commonNames,
  };
}

export const sniEndpointProvider: pulumi.dynamic.ResourceProvider<
  SniEndpointInputs,
  SniEndpointOutputs
> = {
  async check(_olds, news) {
    const failures = newFailures();
    failures.identity(news, "app", ["appName", "uuid"]);
    failures.optionalIdentity(news, "adopt", ["sniEndpointName", "uuid"]);
    // Shape only, and never echo the values: the config loader checks the certificate itself.
    if (
      typeof news.certificateChain !== "string" ||
      !news.certificateChain.includes("-----BEGIN CERTIFICATE-----")
    ) {
      failures.add("certificateChain", "`certificateChain` must be a PEM certificate chain");
    }
    if (
      typeof news.privateKey !== "string" ||
      !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(news.privateKey)
    ) {
      failures.add("privateKey", "`privateKey` must be a PEM private key");
    }
    return failures.result(news);
  },

  async diff(_id, olds, news) {
    return diffDeclared<SniEndpointInputs>(olds, news, {
      // An app given by name or by id is the same app: `update` checks, and refuses a real move.
      fields: ["app", "certificateChain", "privateKey"],
      equal: {
        certificateChain: (a, b) =>
          typeof a === "string" && typeof b === "string" && normalizePem(a) === normalizePem(b),
      },
    });
  },

  async create(inputs) {
    const client = herokuClientFromEnv();
    const certificate = {
      certificate_chain: inputs.certificateChain,
      private_key: inputs.privateKey,
    };
    if (inputs.adopt) {
      const path = `/apps/${seg(inputs.app)}/sni-endpoints/${seg(inputs.adopt)}`;
      const existing = await unlessNotFound(() => client.get<SniBody>(path));
      if (!existing) {
        throw new Error(
          `SniEndpoint \`adopt\`: app ${inputs.app} has no SNI endpoint ${inputs.adopt} ` +
            `(list them with \`heroku certs -a ${inputs.app}\`)`,
        );
      }
      // The same chain means the same key pair (a key matches exactly one certificate), so an
      // endpoint that already serves the declared certificate is taken as it is.
      if (normalizePem(existing.certificate_chain) === normalizePem(inputs.certificateChain)) {
        report(`adopting SNI endpoint ${existing.name} (${existing.id}); it has this certificate`);
        return { id: existing.id, outs: outputsFrom(existing, inputs) };
      }
      report(
        `adopting SNI endpoint ${existing.name} (${existing.id}); uploading the declared certificate`,
      );
      const body = await client.patch<SniBody>(
        `/apps/${seg(inputs.app)}/sni-endpoints/${seg(existing.id)}`,
        certificate,
      );
      return { id: body.id, outs: outputsFrom(body, inputs) };
    }
    const body = await client.post<SniBody>(`/apps/${seg(inputs.app)}/sni-endpoints`, certificate);
    return { id: body.id, outs: outputsFrom(body, inputs) };
  },

  async read(id, props) {
    if (!props?.app) throw new Error("SniEndpoint read needs the app (import is not supported)");
    const client = herokuClientFromEnv();
    const body = await unlessNotFound(() =>
      client.get<SniBody>(`/apps/${seg(props.app)}/sni-endpoints/${seg(id)}`),
    );
    if (!body) return gone();
    // No `inputs` here: the recorded inputs keep the private key as a secret, and the outputs
    // already show a certificate changed outside Pulumi, which the next diff then reverts.
    return { id: body.id, props: outputsFrom(body, props) };
  },

  async update(id, olds, news) {
    const client = herokuClientFromEnv();
    await assertSameApp(client, "SniEndpoint", olds.appId, olds, news);
    const certificateChanged =
      normalizePem(olds.certificateChain) !== normalizePem(news.certificateChain) ||
      olds.privateKey !== news.privateKey;
    if (!certificateChanged) {
      return { outs: { ...olds, app: news.app, certificateChain: news.certificateChain } };
    }
    const body = await client.patch<SniBody>(`/apps/${seg(news.app)}/sni-endpoints/${seg(id)}`, {
      certificate_chain: news.certificateChain,
      private_key: news.privateKey,
    });
    return { outs: outputsFrom(body, news) };
  },

  async delete(id, props) {
    const client = herokuClientFromEnv();
    await deleteIgnoringNotFound(() =>
      client.delete(`/apps/${seg(props.app)}/sni-endpoints/${seg(id)}`),
    );
  },
};

export interface SniEndpointArgs {
  /** App name or id. */
  readonly app: pulumi.Input<string>;
  /** PEM certificate chain, server certificate first. Stored as a secret. */
  readonly certificateChain: pulumi.Input<string>;
  /** Unencrypted PEM private key. Stored as a secret; never read back from Heroku. */
  readonly privateKey: pulumi.Input<string>;
  /** Name or id of an existing endpoint to take over on create. Default: create a new one. */
  readonly adopt?: pulumi.Input<string>;
}

/** A Heroku SNI endpoint. Type token `pulumi-nodejs:dynamic/heroku:SniEndpoint`; id = its uuid. */
export class SniEndpoint extends pulumi.dynamic.Resource {
  declare readonly app: pulumi.Output<string>;
  declare readonly certificateChain: pulumi.Output<string>;
  declare readonly privateKey: pulumi.Output<string>;
  declare readonly sniEndpointId: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly appId: pulumi.Output<string>;
  declare readonly expiresAt: pulumi.Output<string>;
  declare readonly certDomains: pulumi.Output<string[]>;
  declare readonly commonNames: pulumi.Output<string[]>;

  constructor(name: string, args: SniEndpointArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      sniEndpointProvider,
      name,
      {
        ...args,
        certificateChain: pulumi.secret(args.certificateChain),
        privateKey: pulumi.secret(args.privateKey),
        sniEndpointId: undefined,
        name: undefined,
        appId: undefined,
        expiresAt: undefined,
        certDomains: undefined,
        commonNames: undefined,
      },
      {
        ...opts,
        additionalSecretOutputs: [
          "certificateChain",
          "privateKey",
          ...(opts?.additionalSecretOutputs ?? []),
        ],
      },
      "heroku",
      "SniEndpoint",
    );
  }
}
