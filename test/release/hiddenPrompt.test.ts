// The prompt that reads a one-time code without echo, on a stand-in terminal: what it shows,
// what it returns, and that the terminal's mode is always given back.
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { askWithoutEcho, RefusedError } from "../../tools/release/cli";

function terminal() {
  const modes: boolean[] = [];
  const input = Object.assign(new PassThrough(), {
    isTTY: true as const,
    isRaw: false,
    setRawMode(mode: boolean) {
      modes.push(mode);
      input.isRaw = mode;
    },
  });
  input.setEncoding("utf8");
  let screen = "";
  const output = { write: (chunk: string) => ((screen += chunk), true) };
  return { input, output, modes, screen: () => screen };
}

describe("a code read without echo", () => {
  it("shows the question and a line break, never the keys; Backspace deletes", async () => {
    const t = terminal();
    const answer = askWithoutEcho("Two-factor code: ", t.input, t.output);
    t.input.write("1239\x7f45\r");
    expect(await answer).toBe("12345");
    expect(t.screen()).toBe("Two-factor code: \n");
    expect(t.modes).toEqual([true, false]);
  });

  it("refuses on Ctrl-C, which raw mode turns into a key, and gives the terminal back", async () => {
    const t = terminal();
    const answer = askWithoutEcho("Two-factor code: ", t.input, t.output);
    t.input.write("12\x03");
    await expect(answer).rejects.toThrow(RefusedError);
    await expect(answer).rejects.toThrow("interrupted (Ctrl-C) before a code was given");
    expect(t.screen()).not.toContain("12");
    expect(t.modes).toEqual([true, false]);
  });

  it("refuses a stdin that is not a terminal instead of reading it", async () => {
    const t = terminal();
    Object.assign(t.input, { isTTY: false });
    await expect(askWithoutEcho("Two-factor code: ", t.input, t.output)).rejects.toThrow(
      "stdin is not a terminal",
    );
    expect(t.modes).toEqual([]);
  });
});
