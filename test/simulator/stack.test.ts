import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { loadStackSetup } from "../../simulator/stack";

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
