// Standalone Heroku emulator for manual use:
//   npx tsx test/emulator/heroku/main.ts --port 5000 [--page-size 2] [--addon-polls 2]
// then point the providers at it with HEROKU_API_URL and HEROKU_API_KEY as printed.
import { startHerokuEmulator } from "./server";

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function numberFlag(name: string): number | undefined {
  const value = flag(name);
  return value === undefined ? undefined : Number(value);
}

async function main(): Promise<void> {
  const emulator = await startHerokuEmulator({
    port: numberFlag("port") ?? 5000,
    pageSize: numberFlag("page-size"),
    addonProvisioningPolls: numberFlag("addon-polls"),
    token: flag("token") ?? process.env.HEROKU_API_KEY,
  });
  console.log(`HEROKU_API_URL=${emulator.url}`);
  console.log(`HEROKU_API_KEY=${emulator.token}`);
  const stop = (): void => {
    if (emulator.violations.length) {
      console.error(`schema violations:\n${emulator.violations.join("\n")}`);
    }
    void emulator.close().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

void main();
