// The offline plan drops resource aliases (they only match existing state, which an offline plan
// does not have, and cost half a large plan's CPU): the plan must be exactly the one with aliases.
import * as pulumi from "@pulumi/pulumi";
import { afterEach, describe, expect, it } from "vitest";
import { KEEP_ALIASES_ENV, runOfflinePlan, runOfflineProgram } from "../../cli/plan/runner";
import { TODAY } from "../support/plan";

afterEach(() => {
  delete process.env[KEEP_ALIASES_ENV];
});

describe("offline plan without aliases", () => {
  it("plans the prod stack to the same resources, inputs, warnings and outputs with and without aliases", async () => {
    const without = await runOfflinePlan("prod", { today: TODAY });
    process.env[KEEP_ALIASES_ENV] = "1";
    const withAliases = await runOfflinePlan("prod", { today: TODAY });
    expect(without.resources.length).toBeGreaterThan(50);
    expect(without).toEqual(withAliases);
  });

  it("removes the aliases before the resource is built, and keeps them when asked", async () => {
    const aliasesSeen = async (): Promise<number> => {
      let seen = -1;
      await runOfflineProgram("t", async () => {
        // A later transformation sees the options the resource is built with.
        pulumi.runtime.registerStackTransformation((args) => {
          if (args.type === "test:index:Thing") seen = args.opts.aliases?.length ?? 0;
          return undefined;
        });
        new pulumi.ComponentResource("test:index:Thing", "thing", {}, { aliases: [{ name: "old-thing" }, { type: "test:index:OldThing" }] });
        return {};
      });
      return seen;
    };
    expect(await aliasesSeen()).toBe(0);
    process.env[KEEP_ALIASES_ENV] = "1";
    expect(await aliasesSeen()).toBe(2);
  });
});
