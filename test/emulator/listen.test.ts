// Emulators started `shared` keep one URL and token per process (so the emulated engine keeps
// one dynamic provider host) without sharing any state, and never answer for one another.
import { describe, expect, it } from "vitest";
import { startGoDaddyEmulator } from "./godaddy";
import { startHerokuEmulator } from "./heroku";

const get = (url: string, token: string) =>
  fetch(`${url}/apps`, {
    headers: { Authorization: `Bearer ${token}`, Accept: "application/vnd.heroku+json; version=3" },
  });

describe("shared emulator servers", () => {
  it("give consecutive Heroku emulators one URL and token and fresh state each", async () => {
    const first = await startHerokuEmulator({ shared: true });
    first.state.createApp({ name: "only-in-first", region: "eu" });
    expect(await (await get(first.url, first.token)).json()).toHaveLength(1);
    await first.close();

    const second = await startHerokuEmulator({ shared: true });
    try {
      expect([second.url, second.token]).toEqual([first.url, first.token]);
      expect(await (await get(second.url, second.token)).json()).toEqual([]);
      expect(second.requests).toHaveLength(1);
      expect(first.requests).toHaveLength(1);
    } finally {
      await second.close();
    }
  });

  it("give a second emulator a server of its own while the shared one is held", async () => {
    const holder = await startHerokuEmulator({ shared: true });
    const other = await startHerokuEmulator({ shared: true });
    try {
      expect(other.url).not.toBe(holder.url);
      other.state.createApp({ name: "other", region: "eu" });
      expect(await (await get(holder.url, holder.token)).json()).toEqual([]);
    } finally {
      await Promise.all([holder.close(), other.close()]);
    }
  });

  it("answer 503 once the emulator is closed, so a late request reaches no one's state", async () => {
    const emulator = await startHerokuEmulator({ shared: true });
    await emulator.close();
    const late = await get(emulator.url, emulator.token);
    expect(late.status).toBe(503);
    expect(emulator.requests).toEqual([]);
  });

  it("refuse a shared Heroku emulator with a port or token of its own", async () => {
    await expect(startHerokuEmulator({ shared: true, token: "t" })).rejects.toThrow(
      "a shared Heroku emulator has the shared server's port and token",
    );
  });

  it("give consecutive GoDaddy emulators one URL and their own zones", async () => {
    const first = await startGoDaddyEmulator({ shared: true, zones: { "gyana.com": [] } });
    await first.close();
    const second = await startGoDaddyEmulator({
      shared: true,
      zones: { "gyana.com": [{ type: "A", name: "@", data: "192.0.2.10", ttl: 3600 }] },
    });
    try {
      expect(second.url).toBe(first.url);
      const records = await fetch(`${second.url}/v1/domains/gyana.com/records`, {
        headers: { Authorization: `sso-key ${second.key}:${second.secret}` },
      });
      expect(await records.json()).toEqual([
        { type: "A", name: "@", data: "192.0.2.10", ttl: 3600 },
      ]);
      expect(first.requests).toEqual([]);
    } finally {
      await second.close();
    }
  });
});
