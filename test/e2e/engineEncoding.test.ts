// The emulated engine writes long strings (every resource's `__provider` code) as protobuf bytes
// for speed (tools/engine/dynamicProviderHost.ts, withLongStringsAsBytes): what reaches Pulumi's
// dynamic provider host must be byte for byte what google-protobuf's own writer produces.
import type * as providerGrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import type * as providerProto from "@pulumi/pulumi/proto/provider_pb";
import type * as structProto from "google-protobuf/google/protobuf/struct_pb";
import type * as jspbTypes from "google-protobuf";
import { describe, expect, it } from "vitest";
import { fromPulumi, withLongStringsAsBytes } from "../../tools/engine/dynamicProviderHost";

const proto = fromPulumi<typeof providerProto>("@pulumi/pulumi/proto/provider_pb");
const rpc = fromPulumi<typeof providerGrpc>("@pulumi/pulumi/proto/provider_grpc_pb");
const structpb = fromPulumi<typeof structProto>("google-protobuf/google/protobuf/struct_pb");
const jspb = fromPulumi<typeof jspbTypes>("google-protobuf");

const serializeCheck = (
  rpc.ResourceProviderService as unknown as {
    check: { requestSerialize(value: providerProto.CheckRequest): Buffer };
  }
).check.requestSerialize;

function checkRequest(values: Record<string, structProto.JavaScriptValue>) {
  const request = new proto.CheckRequest();
  request.setUrn("urn:pulumi:prod::gyana::pulumi-nodejs:dynamic:Resource::app");
  request.setOlds(structpb.Struct.fromJavaScript(values));
  request.setNews(structpb.Struct.fromJavaScript({ ...values, short: "é" }));
  return request;
}

describe("the emulated engine's request encoding", () => {
  it("is byte for byte google-protobuf's for long ASCII, multi-byte, astral and ill-formed strings", () => {
    const request = checkRequest({
      __provider: "exports.handler = () => ({ create() {} });\n".repeat(200),
      multiByte: "é中".repeat(2000),
      astral: "😀 deploy ".repeat(300),
      loneSurrogate: "x".repeat(2000) + "\ud800" + "y",
      nested: { list: ["a".repeat(5000), 1, true, null, { deep: "ü".repeat(1500) }] },
      atTheBound: "z".repeat(1024),
      belowTheBound: "z".repeat(1023),
    });
    const expected = Buffer.from(serializeCheck(request));
    const actual = Buffer.from(withLongStringsAsBytes(() => serializeCheck(request)));
    expect(actual.equals(expected)).toBe(true);
  });

  it("leaves google-protobuf's writer as it was, also when serialization throws", () => {
    const writeString = jspb.BinaryWriter.prototype.writeString;
    expect(() =>
      withLongStringsAsBytes(() => {
        throw new Error("serialization failed");
      }),
    ).toThrow("serialization failed");
    expect(jspb.BinaryWriter.prototype.writeString).toBe(writeString);
  });
});
