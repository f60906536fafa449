// Test certificates, generated on each run so that no private key is ever committed.
import { generate } from "selfsigned";

export interface TestCertificate {
  /** PEM: server certificate, then the issuing CA when `signedByCa`. */
  certificateChain: string;
  privateKey: string;
  caCertificate?: string;
}

export interface CertificateOptions {
  /** DNS names (subject alternative names); the first is also the common name. */
  names?: string[];
  notBefore?: Date;
  notAfter?: Date;
  /** Issue from a generated CA and append the CA certificate to the chain. */
  signedByCa?: boolean;
}

const DAY = 24 * 60 * 60 * 1000;

export async function makeCertificate(options: CertificateOptions = {}): Promise<TestCertificate> {
  const names = options.names ?? ["*.gyana.com", "gyana.com"];
  const notBeforeDate = options.notBefore ?? new Date(Date.now() - DAY);
  const notAfterDate = options.notAfter ?? new Date(notBeforeDate.getTime() + 365 * DAY);
  const leafOptions = {
    keyType: "ec" as const,
    algorithm: "sha256",
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: "basicConstraints" as const, cA: false },
      {
        name: "subjectAltName" as const,
        altNames: names.map((value) => ({ type: 2 as const, value })),
      },
    ],
  };
  const attrs = [{ name: "commonName", value: names[0] ?? "gyana.com" }];
  if (!options.signedByCa) {
    const pems = await generate(attrs, leafOptions);
    return { certificateChain: pems.cert, privateKey: pems.private };
  }
  const ca = await generate([{ name: "commonName", value: "Gyana Test CA" }], {
    keyType: "ec",
    algorithm: "sha256",
    notBeforeDate: new Date(notBeforeDate.getTime() - DAY),
    notAfterDate: new Date(notAfterDate.getTime() + DAY),
    extensions: [
      { name: "basicConstraints", cA: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true },
    ],
  });
  const leaf = await generate(attrs, { ...leafOptions, ca: { key: ca.private, cert: ca.cert } });
  return {
    certificateChain: `${leaf.cert.trim()}\n${ca.cert.trim()}\n`,
    privateKey: leaf.private,
    caCertificate: ca.cert,
  };
}
