// The emulated engine copies state and properties with jsonValue instead of a JSON round trip
// (tools/engine/jsonValue.ts): the copy must be the round trip's, and share nothing.
import { describe, expect, it } from "vitest";
import { jsonValue } from "../../tools/engine/jsonValue";

describe("jsonValue", () => {
  it("gives what JSON.parse(JSON.stringify(value)) gives for the engine's plain values", () => {
    const value = {
      urn: "urn:pulumi:prod::gyana::heroku:App::app",
      __provider: "exports.handler = () => ({});\n".repeat(100),
      absent: undefined,
      nothing: null,
      list: [1, undefined, "two", { three: 3, gone: undefined }, [true, false]],
      nested: { deeper: { deepest: ["é", 0, -1.5] } },
    };
    const copy = jsonValue(value);
    expect(JSON.stringify(copy)).toBe(JSON.stringify(value));
    expect(copy).toStrictEqual(JSON.parse(JSON.stringify(value)));
  });

  it("shares no object or list with the original", () => {
    const value = { outer: { list: [{ key: "a" }] } };
    const copy = jsonValue(value) as typeof value;
    copy.outer.list[0]!.key = "changed";
    copy.outer.list.push({ key: "b" });
    expect(value).toEqual({ outer: { list: [{ key: "a" }] } });
  });
});
