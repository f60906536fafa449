import { describe, expect, it } from "vitest";
import { EU_LOCATIONS, bucketInEu } from "../../policy/bucketLocation";
import { GCP_BUCKET } from "../../policy/resources";
import { violationsOf } from "./policyHarness";

const bucket = (location: unknown, config?: object) => ({
  type: GCP_BUCKET,
  name: "gcp-uploads",
  props: { name: "gyana-app", location },
  ...(config ? { config } : {}),
});

describe("policy bucket-in-eu", () => {
  it("passes the EU multi-region and EU regions, in any case", async () => {
    for (const location of ["EU", "eu", "EUR4", "europe-west1", "EUROPE-WEST4", "europe-north1"]) {
      expect(await violationsOf(bucketInEu, bucket(location)), location).toEqual([]);
    }
  });

  it("refuses a bucket in US, and one with no location (Google's default is US)", async () => {
    expect(await violationsOf(bucketInEu, bucket("US"))).toEqual([
      `Cloud Storage bucket "gyana-app" is in "US"; it must be in the EU (one of ${EU_LOCATIONS.join(", ")}), and a bucket's location cannot change later.`,
    ]);
    expect(await violationsOf(bucketInEu, bucket(undefined))).toEqual([
      `Cloud Storage bucket "gyana-app" is in no location; it must be in the EU (one of ${EU_LOCATIONS.join(", ")}), and a bucket's location cannot change later.`,
    ]);
  });

  it("refuses Europe outside the EU (London, Zurich, and dual-regions with London) unless configured", async () => {
    for (const location of ["europe-west2", "europe-west6", "EUR5", "asia-east1"]) {
      expect(await violationsOf(bucketInEu, bucket(location)), location).toHaveLength(1);
    }
    expect(
      await violationsOf(
        bucketInEu,
        bucket("europe-west2", { allowedLocations: ["EUROPE-WEST2"] }),
      ),
    ).toEqual([]);
  });
});
