// Certificates generated per test run (never committed keys): a wildcard *.gyana.com like prod's.
import { generate } from "selfsigned";

export interface TestCertificate {
  certificateChain: string;
  privateKey: string;
}

export async function wildcardCertificate(
  options: { names?: string[]; notAfter?: Date; notBefore?: Date } = {},
): Promise<TestCertificate> {
  const names = options.names ?? ["*.gyana.com", "gyana.com"];
  const notBefore = options.notBefore ?? new Date(Date.now() - 24 * 3600_000);
  const pems = await generate([{ name: "commonName", value: names[0] ?? "*.gyana.com" }], {
    keySize: 2048,
    notBeforeDate: notBefore,
    notAfterDate: options.notAfter ?? new Date(Date.now() + 365 * 24 * 3600_000),
    extensions: [{ name: "subjectAltName", altNames: names.map((value) => ({ type: 2, value })) }],
  });
  return { certificateChain: pems.cert, privateKey: pems.private };
}
