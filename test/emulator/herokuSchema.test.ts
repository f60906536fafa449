// The emulator's reading of Heroku's hyper-schema: readable route templates, literal segments
// before parameters, and strictProperties turned into "all of these fields and no others".
import { describe, expect, it } from "vitest";
import { matchRoute, schemaRoutes, validateBody } from "./heroku/schema";

describe("Heroku schema routes", () => {
  it("names path parameters after their definitions", () => {
    const keys = schemaRoutes().map((r) => r.key);
    expect(keys).toContain("PATCH /apps/{app}/config-vars");
    expect(keys).toContain("GET /apps/{app}/addons/{addon}");
    expect(keys).toContain("DELETE /apps/{app}/sni-endpoints/{sni_endpoint}");
    expect(keys).toContain("GET /pipeline-promotions/{pipeline_promotion}/promotion-targets");
  });

  it("prefers literal segments to parameters and decodes parameters", () => {
    expect(matchRoute("GET", "/users/~/pipeline-couplings")?.route.key).toBe(
      "GET /users/~/pipeline-couplings",
    );
    const drain = matchRoute("GET", "/apps/gyana-dev/log-drains/syslog%3A%2F%2Fa.b%3A1");
    expect(drain?.params).toEqual({ app: "gyana-dev", log_drain: "syslog://a.b:1" });
  });

  it("accepts a body that either of a route's links accepts (rollback or slug release)", () => {
    const route = matchRoute("POST", "/apps/a/releases")!.route;
    expect(
      validateBody(route, "schema", { release: "01234567-89ab-cdef-0123-456789abcdef" }),
    ).toBeUndefined();
    expect(validateBody(route, "schema", { slug: "01234567-89ab-cdef-0123-456789abcdef" })).toBe(
      undefined,
    );
    expect(validateBody(route, "schema", { description: "x" })).toMatch(/slug|release/);
  });

  it("requires every field of a strictProperties response and rejects extra ones", () => {
    const route = matchRoute("GET", "/apps/a/pipeline-couplings")!.route;
    const coupling = {
      app: { id: "01234567-89ab-cdef-0123-456789abcdef" },
      created_at: "2026-11-25T10:00:00Z",
      id: "01234567-89ab-cdef-0123-456789abcdef",
      pipeline: { id: "01234567-89ab-cdef-0123-456789abcdef" },
      stage: "production",
      updated_at: "2026-11-25T10:00:00Z",
    };
    expect(validateBody(route, "targetSchema", coupling)).toBeUndefined();
    const { stage: _stage, ...missing } = coupling;
    expect(validateBody(route, "targetSchema", missing)).toMatch(/stage/);
    expect(validateBody(route, "targetSchema", { ...coupling, extra: 1 })).toMatch(/extra/);
  });
});
