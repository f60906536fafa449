// Custom domains and SNI endpoints (certificates parsed with node:crypto, as Heroku parses them).
import { X509Certificate, createPrivateKey } from "node:crypto";
import { domainShape, sniShape } from "../shapes";
import { invalid, type Routes } from "../http";
import { isoSeconds, newId, sniName } from "../ids";
import type { AppRecord, SniEndpointRecord } from "../state";

/** OpenSSL's one-line form, as Heroku shows it: `/C=US/O=Let's Encrypt/CN=R3`. */
function oneLine(dn: string): string {
  return dn
    .split("\n")
    .filter(Boolean)
    .map((part) => `/${part}`)
    .join("");
}

function parseCertificate(chain: string, privateKey: string): Record<string, unknown> {
  const first = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(chain)?.[0];
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(first ?? chain);
  } catch {
    throw invalid("Certificate chain is not a valid PEM certificate.");
  }
  let key;
  try {
    key = createPrivateKey(privateKey);
  } catch {
    throw invalid("Private key is not a valid PEM private key.");
  }
  if (!cert.checkPrivateKey(key)) throw invalid("Private key does not match the certificate.");
  const sans = (cert.subjectAltName ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.startsWith("DNS:"))
    .map((s) => s.slice(4));
  const cn = /CN=([^\n]+)/.exec(cert.subject)?.[1];
  const selfSigned = cert.issuer === cert.subject;
  return {
    "ca_signed?": !selfSigned,
    cert_domains: sans.length ? sans : cn ? [cn] : [],
    expires_at: isoSeconds(new Date(cert.validTo)),
    issuer: oneLine(cert.issuer),
    "self_signed?": selfSigned,
    starts_at: isoSeconds(new Date(cert.validFrom)),
    subject: oneLine(cert.subject),
    id: newId(),
  };
}

function sniFromBody(
  body: unknown,
): Pick<SniEndpointRecord, "certificateChain" | "privateKey" | "sslCert"> {
  const b = body as { certificate_chain: string; private_key: string };
  return {
    certificateChain: b.certificate_chain,
    privateKey: b.private_key,
    sslCert: parseCertificate(b.certificate_chain, b.private_key),
  };
}

function uniqueSniName(app: AppRecord): string {
  for (;;) {
    const name = sniName();
    if (![...app.sniEndpoints.values()].some((s) => s.name === name)) return name;
  }
}

export const domainRoutes: Routes = {
  "POST /apps/{app}/domains": ({ state, params, body }) => {
    const app = state.app(params.app!);
    const b = body as { hostname: string; sni_endpoint: string | null };
    return { body: domainShape(app, state.createDomain(app, b.hostname, b.sni_endpoint, true)) };
  },
  "GET /apps/{app}/domains": ({ state, params }) => {
    const app = state.app(params.app!);
    for (const d of app.domains.values()) state.pollDomain(d);
    return { list: [...app.domains.values()].map((d) => domainShape(app, d)) };
  },
  "GET /apps/{app}/domains/{domain}": ({ state, params }) => {
    const app = state.app(params.app!);
    const domain = state.domain(app, params.domain!);
    state.pollDomain(domain);
    return { body: domainShape(app, domain) };
  },
  "PATCH /apps/{app}/domains/{domain}": ({ state, params, body }) => {
    const app = state.app(params.app!);
    const domain = state.domain(app, params.domain!);
    const b = body as { sni_endpoint: string | null };
    domain.sniEndpointId =
      b.sni_endpoint === null ? null : state.sniEndpoint(app, b.sni_endpoint, 422).id;
    domain.updatedAt = state.now();
    return { body: domainShape(app, domain) };
  },
  "DELETE /apps/{app}/domains/{domain}": ({ state, params }) => {
    const app = state.app(params.app!);
    const domain = state.domain(app, params.domain!);
    if (domain.kind === "heroku") throw invalid("Cannot remove the default herokuapp.com domain.");
    const shape = domainShape(app, domain);
    app.domains.delete(domain.id);
    return { body: shape };
  },
  "POST /apps/{app}/sni-endpoints": ({ state, params, body }) => {
    const app = state.app(params.app!);
    const now = state.now();
    const sni: SniEndpointRecord = {
      id: newId(),
      name: uniqueSniName(app),
      ...sniFromBody(body),
      createdAt: now,
      updatedAt: now,
    };
    app.sniEndpoints.set(sni.id, sni);
    return { body: sniShape(app, sni) };
  },
  "GET /apps/{app}/sni-endpoints": ({ state, params }) => {
    const app = state.app(params.app!);
    return { list: [...app.sniEndpoints.values()].map((s) => sniShape(app, s)) };
  },
  "GET /apps/{app}/sni-endpoints/{sni_endpoint}": ({ state, params }) => {
    const app = state.app(params.app!);
    return { body: sniShape(app, state.sniEndpoint(app, params.sni_endpoint!)) };
  },
  "PATCH /apps/{app}/sni-endpoints/{sni_endpoint}": ({ state, params, body }) => {
    const app = state.app(params.app!);
    const sni = state.sniEndpoint(app, params.sni_endpoint!);
    Object.assign(sni, sniFromBody(body), { updatedAt: state.now() });
    return { body: sniShape(app, sni) };
  },
  "DELETE /apps/{app}/sni-endpoints/{sni_endpoint}": ({ state, params }) => {
    const app = state.app(params.app!);
    const sni = state.sniEndpoint(app, params.sni_endpoint!);
    const shape = sniShape(app, sni);
    for (const d of app.domains.values()) if (d.sniEndpointId === sni.id) d.sniEndpointId = null;
    app.sniEndpoints.delete(sni.id);
    return { body: shape };
  },
};
