// API requests (and wall time) of the prod custom-domain chain against the Heroku and GoDaddy
// emulators: the first `pulumi up` (certificate → SNI endpoint → domains → CNAMEs), a no-op up,
// and a no-op refresh. The request counts are what a real run costs against the 60/minute
// GoDaddy limit and Heroku's 4500/hour bucket; the times are emulator times, not Heroku's.
import { makeCertificate } from "../../test/domain/fixtures";
import { startEmulators, upCustomDomain, type Emulators } from "../../test/domain/chain";

function describeCounts(emus: Emulators): string {
  const heroku = emus.heroku.counts();
  const herokuTotal = Object.values(heroku).reduce((a, b) => a + b, 0);
  const godaddy = emus.godaddy.counts();
  const detail = Object.entries(heroku)
    .map(([route, n]) => `${n}× ${route}`)
    .join(", ");
  const gd = Object.entries(godaddy)
    .filter(([k]) => k !== "total")
    .map(([method, n]) => `${n}× ${method}`)
    .join(", ");
  return `Heroku ${herokuTotal}${detail ? ` (${detail})` : ""}; GoDaddy ${godaddy["total"] ?? 0}${gd ? ` (${gd})` : ""}`;
}

function reset(emus: Emulators): void {
  emus.heroku.resetCounts();
  emus.godaddy.requests.length = 0;
}

export async function benchCustomDomain(): Promise<string[]> {
  const saved = { ...process.env };
  const certificate = await makeCertificate({ signedByCa: true });
  const emus = await startEmulators();
  try {
    const lines: string[] = [];
    let started = Date.now();
    const first = await upCustomDomain({ certificate });
    lines.push(
      `create prod chain (1 SNI endpoint, 2 domains, 2 CNAMEs): ${describeCounts(emus)}; ${Date.now() - started} ms`,
    );

    reset(emus);
    started = Date.now();
    await upCustomDomain({ certificate, state: first.state });
    lines.push(`no-op up: ${describeCounts(emus)}; ${Date.now() - started} ms`);

    reset(emus);
    started = Date.now();
    await upCustomDomain({ certificate, state: first.state, refresh: true });
    lines.push(`no-op refresh (up --refresh): ${describeCounts(emus)}; ${Date.now() - started} ms`);
    return lines;
  } finally {
    await emus.close();
    process.env = saved;
  }
}

if (require.main === module) {
  void benchCustomDomain().then((lines) => lines.forEach((l) => console.log(l)));
}
