// Which Cognitive Services accounts the account rules apply to (Azure OpenAI and AI Services).
import { z } from "zod";
import { stringAt } from "./inputs";
import type { PlannedResource } from "./types";

export const accountKindsOption = z
  .array(z.string().min(1))
  .min(1)
  .default(["OpenAI", "AIServices"])
  .describe("Account kinds the rule applies to.");

// Kinds are compared without case: with an exact comparison an account written `kind: "openai"`
// skipped every account rule, and a guardrail must not be bypassed by spelling.
export function isGovernedAccount(resource: PlannedResource, kinds: readonly string[]): boolean {
  const kind = stringAt(resource, "kind")?.toLowerCase();
  return kind !== undefined && kinds.some((k) => k.toLowerCase() === kind);
}

/** The account's kind as the pack spells it (`OpenAI`, `AIServices`), whatever its case; undefined for other kinds. */
export function knownAccountKind(resource: PlannedResource): "OpenAI" | "AIServices" | undefined {
  const kind = stringAt(resource, "kind")?.toLowerCase();
  return kind === "openai" ? "OpenAI" : kind === "aiservices" ? "AIServices" : undefined;
}
