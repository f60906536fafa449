// Gyana's guard rails, checked on every preview and up: `pulumi preview --policy-pack policy`.
// Constructing the pack starts its gRPC server, so this file only wires the list in
// `policies.ts`; docs/policy.md says why each policy exists.
import { PolicyPack } from "@pulumi/policy";
import { POLICY_PACK_NAME, policies } from "./policies";

new PolicyPack(POLICY_PACK_NAME, {
  description: "Guard rails for Gyana's Heroku, Google Cloud and GoDaddy infrastructure.",
  enforcementLevel: "mandatory",
  policies,
});
