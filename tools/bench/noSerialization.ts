// A --require preload that puts a constant in place of Pulumi's closure serializer before
// @pulumi/pulumi loads, so a run shows what the dynamic providers' serialization costs. Bench only.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const SERIALIZER = join(
  __dirname,
  "..",
  "..",
  "node_modules/@pulumi/pulumi/runtime/closure/serializeClosure.js",
);

/** Calls `use` with the path of the preload, removed afterwards. */
export async function withoutSerialization<T>(use: (preload: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "gyana-bench-"));
  const preload = join(dir, "noSerialization.js");
  writeFileSync(
    preload,
    [
      `const path = ${JSON.stringify(SERIALIZER)};`,
      "const serializeFunction = async () =>",
      '  ({ text: "exports.handler = undefined;", exportName: "handler", containsSecrets: false });',
      "require.cache[path] = { id: path, filename: path, loaded: true, children: [], paths: [],",
      "  exports: { serializeFunction, serializeFunctionAsync: serializeFunction } };",
      "",
    ].join("\n"),
  );
  try {
    return await use(preload);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
