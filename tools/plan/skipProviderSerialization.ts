// The offline plan prints each resource's inputs but never a dynamic provider's code (`__provider`,
// which no preview shows either), and serializing the providers' closures was over half of its
// run (`npm run bench -- plan`). So the plan command stands a constant in for Pulumi's closure
// serializer before @pulumi/pulumi loads, which also spares loading TypeScript (only the
// serializer needs it). The program itself runs as in `pulumi up`; the tests, the emulated up and
// test/program/pulumiStart.test.ts serialize every provider for real.
import Module from "node:module";

export const UNSERIALIZED_PROVIDER =
  "exports.handler = undefined; // not serialized by the offline plan";

export function skipProviderSerialization(): void {
  const path = require.resolve("@pulumi/pulumi/runtime/closure/serializeClosure");
  if (require.cache[path]) {
    throw new Error("skipProviderSerialization must run before @pulumi/pulumi loads");
  }
  const serializeFunction = async () => ({
    text: UNSERIALIZED_PROVIDER,
    exportName: "handler",
    containsSecrets: false,
  });
  const standIn = new Module(path);
  standIn.filename = path;
  standIn.loaded = true;
  standIn.exports = { serializeFunction, serializeFunctionAsync: serializeFunction };
  require.cache[path] = standIn;
}
