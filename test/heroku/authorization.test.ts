// Authorization through the serialized provider against the emulator: least-privilege default
// scope, the token is a secret output that works as a bearer token, any change replaces it,
// delete revokes it (404 tolerated).
import { beforeAll, describe, expect, it } from "vitest";
import {
  Authorization,
  DEFAULT_AUTHORIZATION_SCOPE,
  type AuthorizationInputs,
  type AuthorizationOutputs,
} from "../../providers/heroku";
import { declareAndLoad, type SerializedResource } from "../support/hostedProvider";
import { counted, secretOutputsOf, useHerokuEmulator } from "./herokuTestKit";
import { HerokuClient } from "../../providers/heroku/client";

const env = useHerokuEmulator();
let auth: SerializedResource;

beforeAll(async () => {
  const loaded = await declareAndLoad(() => {
    new Authorization("auth", { description: "gyana-dev HEROKU_API_KEY (custom domains)" });
  });
  auth = loaded.get("auth")!;
});

describe("Authorization provider (serialized, against the emulator)", () => {
  it("defaults to the read + write scopes and rejects unknown scopes", async () => {
    const result = await auth.provider.check!({}, auth.inputs);
    expect(result.inputs.scope).toEqual(["read", "write"]);
    expect(DEFAULT_AUTHORIZATION_SCOPE).toEqual(["read", "write"]);
    const bad = await auth.provider.check!(
      {},
      { description: "x", scope: ["admin"], expiresIn: 1.5 },
    );
    expect(bad.failures).toEqual([
      {
        property: "scope",
        reason:
          '`scope` "admin" is not one of global, identity, read, write, read-protected, write-protected',
      },
      { property: "expiresIn", reason: "`expiresIn` must be a whole number of seconds > 0" },
    ]);
  });

  it("creates a working token, reads back with one GET, diffs empty, replaces on any change and revokes on delete", async () => {
    const { emu } = env;
    const inputs = (await auth.provider.check!({}, { ...auth.inputs, expiresIn: 3600 }))
      .inputs as AuthorizationInputs;
    const create = await counted(emu, () => auth.provider.create(inputs));
    const { id, outs } = create.result as { id: string; outs: AuthorizationOutputs };
    expect(create.routes).toEqual(["POST /oauth/authorizations"]);
    expect(emu.requests.at(-1)?.body).toEqual({
      description: "gyana-dev HEROKU_API_KEY (custom domains)",
      scope: ["read", "write"],
      expires_in: 3600,
    });
    expect(outs.authorizationId).toBe(id);
    expect(outs.token).toMatch(/^HRKU-/);
    expect(Date.parse(outs.expiresAt!)).toBeGreaterThan(Date.now());
    const asApp = new HerokuClient({ token: outs.token, baseUrl: emu.url });
    await expect(asApp.get("/account/rate-limits")).resolves.toHaveProperty("remaining");

    const read = await counted(emu, () => auth.provider.read!(id, outs));
    expect(read.routes).toEqual(["GET /oauth/authorizations/{oauth_authorization}"]);
    expect(read.result.props).toEqual(outs);
    const noop = await counted(emu, () => auth.provider.diff!(id, outs, inputs));
    expect(noop.result).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    expect(noop.routes).toEqual([]);
    for (const change of [
      { description: "other" },
      { scope: ["global"] },
      { expiresIn: 60 },
    ] as Partial<AuthorizationInputs>[]) {
      const key = Object.keys(change)[0]!;
      expect(await auth.provider.diff!(id, outs, { ...inputs, ...change })).toEqual({
        changes: true,
        replaces: [key],
        deleteBeforeReplace: false,
      });
    }

    await auth.provider.delete!(id, outs);
    expect(emu.state.authorizations.has(id)).toBe(false);
    await auth.provider.delete!(id, outs);
    expect(await auth.provider.read!(id, outs)).toEqual({ id: "" });
    expect(emu.violations).toEqual([]);
  });

  it("expiresAt is now + expires_in (seconds until expiry, per the schema), not created_at + expires_in", async () => {
    const { emu } = env;
    const inputs = (await auth.provider.check!({}, { ...auth.inputs, expiresIn: 3600 }))
      .inputs as AuthorizationInputs;
    const createdAt = Date.now() - 30 * 60_000;
    emu.state.setClock(new Date(createdAt));
    const { id, outs } = await auth.provider.create(inputs);
    // Half an hour later Heroku answers expires_in = 1800: the token still expires at created + 1 h.
    emu.state.setClock(new Date());
    const read = await auth.provider.read!(id, { ...outs, expiresAt: null });
    const expected = createdAt + 3600_000;
    expect(Math.abs(Date.parse(read.props!.expiresAt!) - expected)).toBeLessThan(5_000);
    // A later refresh a moment on reports the same instant (no made-up drift).
    emu.state.setClock(new Date(Date.now() + 1_500));
    const again = await auth.provider.read!(id, read.props);
    expect(again.props!.expiresAt).toBe(read.props!.expiresAt);
    expect(emu.violations).toEqual([]);
  });

  it("reads an authorization from its id alone with inputs that match it", async () => {
    const inputs = (
      await auth.provider.check!({}, { description: "made by hand", scope: ["read"] })
    ).inputs as AuthorizationInputs;
    const { id } = await auth.provider.create(inputs);
    const read = await auth.provider.read!(id);
    expect(read.inputs).toEqual({ description: "made by hand", scope: ["read"] });
    expect(read.props).toMatchObject({
      authorizationId: id,
      token: expect.stringMatching(/^HRKU-/),
    });
    expect((await auth.provider.diff!(id, read.props!, inputs)).changes).toBe(false);
  });

  it("adopts an existing authorization by id: same token, no write, kept as it is on every later diff", async () => {
    const { emu } = env;
    // `heroku authorizations:create` by hand: global scope, its own description.
    const byHand = await new HerokuClient({ token: emu.token, baseUrl: emu.url }).post<{
      id: string;
      access_token: { token: string };
    }>("/oauth/authorizations", { scope: ["global"], description: "made by hand" });
    const inputs = (await auth.provider.check!({}, { ...auth.inputs, adopt: byHand.id }))
      .inputs as AuthorizationInputs;
    const before = emu.state.authorizations.size;

    const create = await counted(emu, () => auth.provider.create(inputs));
    const { id, outs } = create.result as { id: string; outs: AuthorizationOutputs };
    expect(create.routes).toEqual(["GET /oauth/authorizations/{oauth_authorization}"]);
    expect(emu.state.authorizations.size).toBe(before);
    expect(id).toBe(byHand.id);
    expect(outs).toMatchObject({
      authorizationId: byHand.id,
      token: byHand.access_token.token,
      description: "made by hand",
      scope: ["global"],
      adopted: true,
    });
    // Neither the declared description/scope nor dropping `adopt` replaces (rotates) it.
    const { adopt: _adopt, ...withoutAdopt } = inputs;
    for (const news of [inputs, withoutAdopt]) {
      expect((await auth.provider.diff!(id, outs, news)).changes).toBe(false);
    }
    // A refresh keeps it adopted.
    const read = await auth.provider.read!(id, outs);
    expect(read.props).toMatchObject({ adopted: true, token: byHand.access_token.token });
    expect((await auth.provider.diff!(id, read.props!, inputs)).changes).toBe(false);
    // Adopting another one is another token: replace.
    expect(await auth.provider.diff!(id, outs, { ...inputs, adopt: "other-id" })).toEqual({
      changes: true,
      replaces: ["adopt"],
      deleteBeforeReplace: false,
    });
    expect(emu.violations).toEqual([]);
  });

  it("refuses to adopt an authorization that does not exist, naming how to list them", async () => {
    await expect(
      auth.provider.create({
        description: "d",
        scope: ["read"],
        adopt: "01234567-89ab-cdef-0123-456789abcdef",
      }),
    ).rejects.toThrow(/no OAuth authorization 01234567-.*heroku authorizations/);
  });

  it("marks the token as an additional secret output of the resource", async () => {
    const secrets = await secretOutputsOf(() => {
      new Authorization("auth", { description: "d" });
    });
    expect(secrets["auth"]).toEqual(["token"]);
  });
});
