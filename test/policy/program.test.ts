// The policy pack and the program agree: every resource the real index.ts declares for each
// stack (run under mocks, with test secrets and a real test certificate) passes every resource
// policy, checked through the same unknown-value proxy a preview uses. A program change that
// breaks a guard rail fails here, before any preview.
import { describe, expect, it } from "vitest";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { policies } from "../../policy/policies";
import { isUnknownValueError } from "../../policy/resources";
import { runTestStack } from "../support/stack";
import { stackViolationsOf, violationsOf } from "./policyHarness";

const resourcePolicies = policies.filter(
  (p): p is ResourceValidationPolicy => "validateResource" in p,
);
const stackPolicies = policies.filter((p): p is StackValidationPolicy => "validateStack" in p);

describe.each(["dev", "staging", "prod"])("the %s program", (stack) => {
  it("passes every resource policy of the pack", async () => {
    const run = await runTestStack(stack);
    const violations: string[] = [];
    const checked = new Set<string>();
    for (const resource of run.resources.filter((r) => r.custom)) {
      for (const policy of resourcePolicies) {
        try {
          const messages = await violationsOf(policy, {
            type: resource.type,
            name: resource.name,
            props: resource.inputs,
            stack,
            protect: resource.protect,
          });
          violations.push(...messages.map((m) => `${policy.name} on ${resource.name}: ${m}`));
          checked.add(resource.type);
        } catch (error) {
          // What the framework does in a preview: the check waits for `up`.
          if (!isUnknownValueError(error)) throw error;
        }
      }
    }
    // And every stack policy, over all the stack's resources at once.
    const resources = run.resources
      .filter((r) => r.custom)
      .map((r) => ({
        type: r.type,
        name: r.name,
        props: r.inputs,
        stack,
        protect: r.protect,
      }));
    for (const policy of stackPolicies) {
      const reported = await stackViolationsOf(policy, resources);
      violations.push(...reported.map((v) => `${policy.name}: ${v.message}`));
    }
    expect(violations).toEqual([]);
    // The guard rails really looked at the resources they exist for.
    expect([...checked]).toEqual(
      expect.arrayContaining([
        "pulumi-nodejs:dynamic/heroku:App",
        "pulumi-nodejs:dynamic/heroku:Addon",
        "pulumi-nodejs:dynamic/heroku:ConfigVars",
        "gcp:storage/bucket:Bucket",
        "gcp:serviceaccount/account:Account",
      ]),
    );
  });
});
