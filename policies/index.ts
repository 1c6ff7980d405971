// CrossGuard entry point: `pulumi preview --policy-pack policies [--policy-pack-config policies/config/<stack>.json]`.
// Constructing the PolicyPack starts the analyzer server, so tests import ./rules and ./crossguard instead.
import { PolicyPack } from "@pulumi/policy";
import { catalogRetirements } from "./catalog-retirements";
import { toCrossGuardPolicy } from "./crossguard";
import { allRules } from "./rules";

const retirements = catalogRetirements();

new PolicyPack("aoai-fleet-guardrails", {
  description: "Guardrails for Azure OpenAI fleets: pinned model versions, upgrade policy, retirement, residency, SKUs and quota, account hardening and gateway resilience.",
  policies: allRules.map((rule) => toCrossGuardPolicy(rule, () => ({ now: new Date(), retirements }))),
});
