import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { loadStackSetup, simulatedDeploymentCount } from "../../simulator/stack";

const setup = loadStackSetup("rollout-sides", { configFile: join(__dirname, "fixtures", "Pulumi.rollout-sides.yaml"), today: new Date("2026-06-01") });
const capacityOf = (route: string): number =>
  setup.backends.filter((b) => setup.routes[route]!.backendIds.includes(b.backendId)).reduce((sum, b) => sum + b.tpm, 0);

describe("loadStackSetup: the pools that serve a route make its capacity", () => {
  it("blue-green counts the active slot only (the idle slot serves nothing)", () => {
    expect(setup.routes.bg!.backendIds).toEqual(["green-eastus2"]);
    expect(capacityOf("bg")).toBe(40_000);
  });

  it("an A/B test counts its variants, not the stable backends every request bypasses", () => {
    expect(setup.routes.ab!.backendIds.sort()).toEqual(["control-eastus2", "treatment-eastus2"]);
    expect(capacityOf("ab")).toBe(50_000);
  });

  it("marks the route's kind", () => {
    expect(Object.fromEntries(Object.entries(setup.routes).map(([name, r]) => [name, r.embeddings]))).toEqual({ bg: false, ab: false, emb: true });
  });
});

describe("simulatedDeploymentCount (the local gateway's banner)", () => {
  it("counts deployment × region once, though the shadow and the Responses twins have backends of their own", () => {
    // blue, green, control, treatment, emb, emb-large in eastus2; 7 Singles are not account twins
    // (emb-large also has its shadow backend), which the banner used to print.
    expect(setup.backends.filter((b) => b.family !== "account").map((b) => b.backendId).sort()).toEqual([
      "blue-eastus2", "control-eastus2", "emb-eastus2", "emb-large-eastus2", "emb-large-eastus2-shadow", "green-eastus2", "treatment-eastus2",
    ]);
    expect(simulatedDeploymentCount(setup)).toBe(6);
  });
});
