import { describe, expect, it, beforeAll } from "vitest";
import { certificateFacts, certificateProblems, nameCovers } from "../../config/certificate";
import { makeCertificate, type TestCertificate } from "./fixtures";

const DAY = 24 * 60 * 60 * 1000;
const hostnames = ["app.gyana.com", "beta.gyana.com"];

describe("certificateProblems", () => {
  let wildcard: TestCertificate;
  let chained: TestCertificate;
  beforeAll(async () => {
    [wildcard, chained] = await Promise.all([
      makeCertificate(),
      makeCertificate({ signedByCa: true }),
    ]);
  });

  it("accepts a wildcard certificate with its key for app.gyana.com and beta.gyana.com", () => {
    expect(certificateProblems({ ...wildcard, hostnames, now: new Date() })).toEqual([]);
  });

  it("accepts a chain of server certificate then CA", () => {
    expect(certificateProblems({ ...chained, hostnames, now: new Date() })).toEqual([]);
  });

  it("refuses text that is not PEM, naming gyana:tlsCertificate", () => {
    expect(
      certificateProblems({
        certificateChain: "not a certificate",
        privateKey: wildcard.privateKey,
        hostnames,
        now: new Date(),
      }),
    ).toEqual([
      'gyana:tlsCertificate: not a PEM certificate chain (no "-----BEGIN CERTIFICATE-----" block); allowed: the server certificate in PEM, followed by its intermediates',
    ]);
  });

  it("refuses a PEM block whose content is not a certificate", () => {
    const broken = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    expect(
      certificateProblems({ ...wildcard, certificateChain: broken, hostnames, now: new Date() }),
    ).toEqual([
      "gyana:tlsCertificate: certificate 1 of 1 is not a valid X.509 certificate; allowed: PEM certificates as issued by the certificate authority",
    ]);
  });

  it("refuses an unparseable key without echoing any of it", () => {
    const junk =
      "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1tYXRlcmlhbA==\n-----END PRIVATE KEY-----\n";
    const problems = certificateProblems({
      ...wildcard,
      privateKey: junk,
      hostnames,
      now: new Date(),
    });
    expect(problems).toEqual([
      "gyana:tlsPrivateKey: the private key cannot be parsed; allowed: the unencrypted PEM private key of the certificate",
    ]);
    expect(problems.join("\n")).not.toContain("c2VjcmV0");
  });

  it("refuses a key that is not PEM at all", () => {
    expect(
      certificateProblems({ ...wildcard, privateKey: "hunter2", hostnames, now: new Date() }),
    ).toEqual([
      'gyana:tlsPrivateKey: not a PEM private key (no "-----BEGIN … PRIVATE KEY-----" block); allowed: the unencrypted PEM private key of the certificate',
    ]);
  });

  it("refuses a passphrase-encrypted key", () => {
    const encrypted =
      "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n";
    expect(
      certificateProblems({ ...wildcard, privateKey: encrypted, hostnames, now: new Date() }),
    ).toEqual([
      "gyana:tlsPrivateKey: the private key is encrypted with a passphrase; allowed: an unencrypted PEM private key (Heroku cannot use a passphrase)",
    ]);
  });

  it("refuses a key that belongs to another certificate, without showing key material", () => {
    const problems = certificateProblems({
      certificateChain: wildcard.certificateChain,
      privateKey: chained.privateKey,
      hostnames,
      now: new Date(),
    });
    expect(problems).toEqual([
      "gyana:tlsPrivateKey: the private key does not match the certificate in gyana:tlsCertificate (CN=*.gyana.com); allowed: the key the certificate was issued for",
    ]);
    const keyBody = chained.privateKey.split("\n")[1] ?? "";
    expect(keyBody.length).toBeGreaterThan(10);
    expect(problems.join("\n")).not.toContain(keyBody);
  });

  it("says the server certificate must come first when the chain is in the wrong order", () => {
    const [leaf, ca] = chained.certificateChain.split(/(?<=-----END CERTIFICATE-----)\n/);
    const problems = certificateProblems({
      ...chained,
      certificateChain: `${ca?.trim()}\n${leaf?.trim()}\n`,
      hostnames: [],
      now: new Date(),
    });
    expect(problems).toContain(
      "gyana:tlsCertificate: the server certificate must come first in the chain (the private key matches a later certificate); allowed: server certificate, then intermediates",
    );
  });

  it("refuses a certificate that does not cover a hostname", async () => {
    const single = await makeCertificate({ names: ["app.gyana.com"] });
    expect(certificateProblems({ ...single, hostnames, now: new Date() })).toEqual([
      "gyana:tlsCertificate: the certificate does not cover beta.gyana.com; it covers app.gyana.com (a wildcard covers one label only)",
    ]);
  });

  it("does not let *.gyana.com cover gyana.com or a.b.gyana.com", async () => {
    const onlyWildcard = await makeCertificate({ names: ["*.gyana.com"] });
    expect(
      certificateProblems({
        ...onlyWildcard,
        hostnames: ["app.gyana.com", "gyana.com", "a.b.gyana.com"],
        now: new Date(),
      }),
    ).toEqual([
      "gyana:tlsCertificate: the certificate does not cover gyana.com, a.b.gyana.com; it covers *.gyana.com (a wildcard covers one label only)",
    ]);
  });

  it("refuses an expired certificate and says when it expired", async () => {
    const notAfter = new Date(Date.UTC(2026, 0, 1));
    const expired = await makeCertificate({ notBefore: new Date(Date.UTC(2025, 0, 1)), notAfter });
    expect(
      certificateProblems({ ...expired, hostnames, now: new Date(Date.UTC(2026, 5, 1)) }),
    ).toEqual([
      "gyana:tlsCertificate: the certificate expired on 2026-01-01T00:00:00.000Z; allowed: a certificate valid now (renew it and set it again)",
    ]);
  });

  it("refuses a certificate that is not valid yet", async () => {
    const notBefore = new Date(Date.now() + 10 * DAY);
    notBefore.setUTCMilliseconds(0);
    const future = await makeCertificate({ notBefore });
    expect(certificateProblems({ ...future, hostnames, now: new Date() })).toEqual([
      `gyana:tlsCertificate: the certificate is not valid before ${notBefore.toISOString()}; allowed: a certificate valid now`,
    ]);
  });

  it("reports every problem at once", async () => {
    const expired = await makeCertificate({
      names: ["other.example"],
      notBefore: new Date(Date.UTC(2024, 0, 1)),
      notAfter: new Date(Date.UTC(2025, 0, 1)),
    });
    const problems = certificateProblems({
      certificateChain: expired.certificateChain,
      privateKey: wildcard.privateKey,
      hostnames,
      now: new Date(Date.UTC(2026, 0, 1)),
    });
    expect(problems).toHaveLength(3);
    expect(problems.map((p) => p.split(":")[0] + ":" + p.split(":")[1])).toEqual([
      "gyana:tlsPrivateKey",
      "gyana:tlsCertificate",
      "gyana:tlsCertificate",
    ]);
  });
});

describe("certificateFacts", () => {
  it("gives subject, covered names and expiry of the server certificate", async () => {
    const notAfter = new Date(Date.UTC(2027, 2, 3, 4, 5, 6));
    const cert = await makeCertificate({
      signedByCa: true,
      notBefore: new Date(Date.UTC(2026, 0, 1)),
      notAfter,
    });
    expect(certificateFacts(cert.certificateChain)).toEqual({
      subject: "CN=*.gyana.com",
      names: ["*.gyana.com", "gyana.com"],
      notAfter: "2027-03-03T04:05:06.000Z",
    });
  });
});

describe("nameCovers", () => {
  it.each([
    ["*.gyana.com", "app.gyana.com", true],
    ["*.gyana.com", "APP.gyana.com.", true],
    ["*.gyana.com", "gyana.com", false],
    ["*.gyana.com", "a.b.gyana.com", false],
    ["*.gyana.com", "app.gyana.co", false],
    ["app.gyana.com", "app.gyana.com", true],
    ["app.gyana.com", "beta.gyana.com", false],
  ])("%s covers %s: %s", (name, host, expected) => {
    expect(nameCovers(name, host)).toBe(expected);
  });
});
