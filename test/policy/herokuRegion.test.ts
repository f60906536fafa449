import { describe, expect, it } from "vitest";
import { herokuAppInEu } from "../../policy/herokuRegion";
import { HEROKU_APP } from "../../policy/resources";
import { UNKNOWN_STRING, violationsOf } from "./policyHarness";

const app = (props: Record<string, unknown>) => ({ type: HEROKU_APP, name: "app", props });

describe("policy heroku-app-in-eu", () => {
  it("passes an app declared in eu", async () => {
    expect(await violationsOf(herokuAppInEu, app({ name: "gyana-beta", region: "eu" }))).toEqual(
      [],
    );
  });

  it("rejects an app in us, naming the app and the region", async () => {
    expect(await violationsOf(herokuAppInEu, app({ name: "gyana-beta", region: "us" }))).toEqual([
      'Heroku app "gyana-beta" is in region "us"; it must be in "eu" so user data stays in the EU.',
    ]);
  });

  it("rejects an app with no region, since Heroku would pick us", async () => {
    expect(await violationsOf(herokuAppInEu, app({ name: "gyana-dev" }))).toEqual([
      'Heroku app "gyana-dev" sets no region, so Heroku would place it in us; set region: "eu".',
    ]);
  });

  it("names the app by its Pulumi name when the Heroku name is not known yet", async () => {
    expect(await violationsOf(herokuAppInEu, app({ name: UNKNOWN_STRING, region: "us" }))).toEqual([
      'Heroku app "app" is in region "us"; it must be in "eu" so user data stays in the EU.',
    ]);
  });

  it("leaves an unknown region to the framework, which reports it as not checkable in preview", async () => {
    await expect(
      violationsOf(herokuAppInEu, app({ name: "gyana-dev", region: UNKNOWN_STRING })),
    ).rejects.toThrow("string value at .region can't be known during preview");
  });

  it("ignores every other resource type", async () => {
    expect(
      await violationsOf(herokuAppInEu, {
        type: "pulumi-nodejs:dynamic/heroku:Addon",
        name: "redis",
        props: { region: "us" },
      }),
    ).toEqual([]);
  });
});
