// Checks the TLS certificate and key from stack config before anything reaches Heroku, so that a
// wrong file, a key that belongs to another certificate or an expired certificate fails the
// preview with a plain message instead of a 422 halfway through `pulumi up`. Messages name the
// config key and never include key material.
import { X509Certificate, createPrivateKey, type KeyObject } from "node:crypto";

export const CERTIFICATE_KEY = "gyana:tlsCertificate";
export const PRIVATE_KEY_KEY = "gyana:tlsPrivateKey";

export interface CertificateCheck {
  /** PEM: the server certificate first, then any intermediates. */
  certificateChain: string;
  /** PEM private key of the server certificate (unencrypted). */
  privateKey: string;
  /** Every hostname the certificate must cover, e.g. `app.gyana.com`. */
  hostnames: readonly string[];
  /** The moment the certificate must be valid at. */
  now: Date;
}

export interface CertificateFacts {
  /** Subject of the server certificate, e.g. `CN=*.gyana.com`. */
  subject: string;
  /** DNS names the certificate covers (subject alternative names, else the common name). */
  names: string[];
  /** Expiry as an ISO 8601 timestamp. */
  notAfter: string;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** Splits a PEM bundle into its certificate blocks, in order. */
export function pemCertificates(chain: string): string[] {
  return chain.match(PEM_CERTIFICATE) ?? [];
}

function parseChain(chain: string): { certificates: X509Certificate[]; problems: string[] } {
  const blocks = pemCertificates(chain);
  if (blocks.length === 0) {
    return {
      certificates: [],
      problems: [
        `${CERTIFICATE_KEY}: not a PEM certificate chain (no "-----BEGIN CERTIFICATE-----" block); allowed: the server certificate in PEM, followed by its intermediates`,
      ],
    };
  }
  const certificates: X509Certificate[] = [];
  const problems: string[] = [];
  blocks.forEach((block, index) => {
    try {
      certificates.push(new X509Certificate(block));
    } catch {
      problems.push(
        `${CERTIFICATE_KEY}: certificate ${index + 1} of ${blocks.length} is not a valid X.509 certificate; allowed: PEM certificates as issued by the certificate authority`,
      );
    }
  });
  return { certificates, problems };
}

/** DNS names a certificate covers: its DNS subject alternative names, else its common name. */
export function certificateNames(certificate: X509Certificate): string[] {
  const alt = certificate.subjectAltName;
  if (alt) {
    const names = alt
      .split(/,\s*/)
      .filter((entry) => entry.startsWith("DNS:"))
      .map((entry) => entry.slice(4).replace(/^"|"$/g, "").toLowerCase());
    if (names.length > 0) return names;
  }
  const commonName = /(?:^|\n)CN=([^\n]+)/.exec(certificate.subject)?.[1];
  return commonName ? [commonName.toLowerCase()] : [];
}

/**
 * Whether a certificate name covers a hostname. A wildcard covers exactly one leftmost label:
 * `*.gyana.com` covers `app.gyana.com` but neither `gyana.com` nor `a.b.gyana.com`.
 */
export function nameCovers(certificateName: string, hostname: string): boolean {
  const name = certificateName.toLowerCase();
  const host = hostname.toLowerCase().replace(/\.$/, "");
  if (!name.startsWith("*.")) return name === host;
  const dot = host.indexOf(".");
  return dot > 0 && host.slice(dot + 1) === name.slice(2);
}

function parseKey(privateKey: string): { key?: KeyObject; problem?: string } {
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type:\s*4,ENCRYPTED/.test(privateKey)) {
    return {
      problem: `${PRIVATE_KEY_KEY}: the private key is encrypted with a passphrase; allowed: an unencrypted PEM private key (Heroku cannot use a passphrase)`,
    };
  }
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(privateKey)) {
    return {
      problem: `${PRIVATE_KEY_KEY}: not a PEM private key (no "-----BEGIN … PRIVATE KEY-----" block); allowed: the unencrypted PEM private key of the certificate`,
    };
  }
  try {
    return { key: createPrivateKey(privateKey) };
  } catch {
    return {
      problem: `${PRIVATE_KEY_KEY}: the private key cannot be parsed; allowed: the unencrypted PEM private key of the certificate`,
    };
  }
}

/**
 * Everything wrong with a certificate chain and key for the given hostnames at `now`, one message
 * per problem; empty when they can be uploaded to Heroku.
 */
export function certificateProblems(check: CertificateCheck): string[] {
  const { certificates, problems } = parseChain(check.certificateChain);
  const { key, problem: keyProblem } = parseKey(check.privateKey);
  if (keyProblem) problems.push(keyProblem);
  const leaf = certificates[0];
  // A block that failed to parse shifts every position: check nothing more about the chain.
  if (!leaf || problems.length > (keyProblem ? 1 : 0)) return problems;

  if (key && !leaf.checkPrivateKey(key)) {
    const matchesLater = certificates.slice(1).some((c) => c.checkPrivateKey(key));
    problems.push(
      matchesLater
        ? `${CERTIFICATE_KEY}: the server certificate must come first in the chain (the private key matches a later certificate); allowed: server certificate, then intermediates`
        : `${PRIVATE_KEY_KEY}: the private key does not match the certificate in ${CERTIFICATE_KEY} (${leaf.subject.replace(/\n/g, ", ")}); allowed: the key the certificate was issued for`,
    );
  }

  for (let i = 0; i + 1 < certificates.length; i++) {
    const [child, parent] = [certificates[i], certificates[i + 1]];
    if (child && parent && !child.checkIssued(parent)) {
      problems.push(
        `${CERTIFICATE_KEY}: certificate ${i + 1} is not issued by certificate ${i + 2}; allowed: server certificate first, then each intermediate in order`,
      );
    }
  }

  const names = certificateNames(leaf);
  const uncovered = check.hostnames.filter((h) => !names.some((n) => nameCovers(n, h)));
  if (uncovered.length > 0) {
    problems.push(
      `${CERTIFICATE_KEY}: the certificate does not cover ${uncovered.join(", ")}; it covers ${names.join(", ") || "no DNS names"} (a wildcard covers one label only)`,
    );
  }

  const notBefore = new Date(leaf.validFrom);
  const notAfter = new Date(leaf.validTo);
  if (check.now.getTime() > notAfter.getTime()) {
    problems.push(
      `${CERTIFICATE_KEY}: the certificate expired on ${notAfter.toISOString()}; allowed: a certificate valid now (renew it and set it again)`,
    );
  } else if (check.now.getTime() < notBefore.getTime()) {
    problems.push(
      `${CERTIFICATE_KEY}: the certificate is not valid before ${notBefore.toISOString()}; allowed: a certificate valid now`,
    );
  }
  return problems;
}

/** Subject, covered names and expiry of the server certificate, for stack outputs. */
export function certificateFacts(certificateChain: string): CertificateFacts {
  const first = pemCertificates(certificateChain)[0];
  if (!first) throw new Error(`${CERTIFICATE_KEY}: not a PEM certificate chain`);
  const leaf = new X509Certificate(first);
  return {
    subject: leaf.subject.replace(/\n/g, ", "),
    names: certificateNames(leaf),
    notAfter: new Date(leaf.validTo).toISOString(),
  };
}
