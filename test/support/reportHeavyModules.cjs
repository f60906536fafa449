// Loaded with `node --require` by test/cli/commands.test.ts: when the process exits, prints on
// stderr which heavy packages (Pulumi's SDK and providers, TypeScript) it loaded, so a test can
// show that a usage error is answered before any of them.
process.on("exit", () => {
  const heavy = new Set();
  for (const path of Object.keys(require.cache)) {
    const match = /node_modules\/(@pulumi\/[^/]+|typescript)\//.exec(path);
    if (match) heavy.add(match[1]);
  }
  process.stderr.write(`heavy modules loaded: ${[...heavy].sort().join(", ") || "none"}\n`);
});
