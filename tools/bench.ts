// `npm run bench [-- <section>...]`: prints figures (time and API request counts); it asserts
// nothing.
import { defineCommand, runCommand, EXIT, UsageError, type CommandMain } from "./cli/command";

interface Section {
  title: string;
  run: () => Promise<string[]>;
}

// Each section loads its code only when it runs: `--help` and a usage error stay instant.
const SECTIONS: Record<string, Section> = {
  startup: {
    title: "Command start-up to a usage error",
    run: async () => (await import("./bench/startup")).benchStartup(),
  },
  start: {
    title: "Program start of pulumi preview/up (prod)",
    run: async () => (await import("./bench/programStart")).benchProgramStart(),
  },
  plan: { title: "Offline plan", run: async () => (await import("./bench/plan")).benchPlan() },
  providers: {
    title: "Heroku providers (requests per create / no-op refresh / no-op diff, size)",
    run: async () => (await import("./bench/herokuProviders")).benchHerokuProviders(),
  },
  e2e: { title: "Emulated up (prod)", run: async () => (await import("./bench/e2e")).benchE2e() },
  ci: {
    title: "Test suite and CI (the last bash .ci/run)",
    run: async () => (await import("./bench/ci")).benchCi(),
  },
  domain: {
    title: "Custom domain (Heroku + GoDaddy requests)",
    run: async () => (await import("./bench/customDomain")).benchCustomDomain(),
  },
};

export const BENCH_COMMAND = defineCommand({
  command: "npm run bench --",
  synopsis: "[<section>...]",
  description:
    "Prints timings and API request counts of the commands and providers (against the local\n" +
    "emulators). It asserts nothing: the figures are for reading.",
  positionals: {
    name: "<section>",
    description: `any of ${Object.keys(SECTIONS).join(", ")}; all of them when none is given`,
    min: 0,
    max: Object.keys(SECTIONS).length,
  },
  options: {},
  exitCodes: {
    [EXIT.OK]: "every section ran",
    [EXIT.FAILED]: "a section failed (its line says why)",
    [EXIT.USAGE]: "bad arguments or unknown section; nothing ran",
  },
});

/** What `npm run bench` does once its arguments parse. */
export const benchMain: CommandMain<typeof BENCH_COMMAND.options> = async ({ positionals }, io) => {
  const unknown = positionals.filter((name) => !(name in SECTIONS));
  if (unknown.length > 0) {
    throw new UsageError(
      `unknown section ${unknown.map((n) => `"${n}"`).join(", ")}; allowed: ${Object.keys(SECTIONS).join(", ")}`,
    );
  }
  const names = positionals.length > 0 ? positionals : Object.keys(SECTIONS);
  let failed = 0;
  for (const name of names) {
    const section = SECTIONS[name]!;
    io.err(`Running ${name}…`);
    io.out(`\n## ${section.title}`);
    try {
      for (const line of await section.run()) io.out(`  ${line}`);
    } catch (error) {
      io.out(`  failed: ${error instanceof Error ? error.message : String(error)}`);
      failed++;
    }
  }
  return failed > 0 ? EXIT.FAILED : EXIT.OK;
};

if (require.main === module) runCommand(BENCH_COMMAND, benchMain);
