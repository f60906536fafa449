// `npm run bench`: prints figures (time and API request counts); it asserts nothing.
import { benchCustomDomain } from "./bench/customDomain";
import { benchHerokuProviders } from "./bench/herokuProviders";
import { benchE2e } from "./bench/e2e";
import { benchPlan } from "./bench/plan";

interface Section {
  title: string;
  run: () => Promise<string[]>;
}

const sections: Section[] = [
  { title: "Offline plan", run: () => benchPlan() },
  {
    title: "Heroku providers (requests per create / no-op refresh / no-op diff, size)",
    run: () => benchHerokuProviders(),
  },
  { title: "Emulated up (prod)", run: () => benchE2e() },
  { title: "Custom domain (Heroku + GoDaddy requests)", run: () => benchCustomDomain() },
];

async function main(): Promise<void> {
  for (const section of sections) {
    console.log(`\n## ${section.title}`);
    try {
      for (const line of await section.run()) console.log(`  ${line}`);
    } catch (error) {
      console.log(`  failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    }
  }
}

void main();
