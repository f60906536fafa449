// Every policy of the gyana-guardrails pack, in one list that tests can import without starting
// the pack's gRPC server (which `new PolicyPack` does on construction).
import type { Policies } from "@pulumi/policy";
import { bucketInEu } from "./bucketLocation";
import { bucketPrivate } from "./bucketPrivate";
import { configVarSecretsSensitive } from "./configVarSecrets";
import { herokuAppInEu } from "./herokuRegion";
import { noOwnerGrants, noPublicGrants } from "./iamGrants";
import { productionDataProtected, productionValuesInProductionStacks } from "./productionProtected";
import { sniCertificateNotExpiring, sniEndpointsNotExpiring } from "./sniCertificate";

export const POLICY_PACK_NAME = "gyana-guardrails";

export const policies: Policies = [
  herokuAppInEu,
  productionDataProtected,
  productionValuesInProductionStacks,
  bucketPrivate,
  bucketInEu,
  noOwnerGrants,
  noPublicGrants,
  configVarSecretsSensitive,
  sniCertificateNotExpiring,
  sniEndpointsNotExpiring,
];
