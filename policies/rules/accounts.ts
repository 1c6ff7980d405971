// Which Cognitive Services accounts the account rules apply to (Azure OpenAI and AI Services).
import { z } from "zod";
import { stringAt } from "./inputs";
import type { PlannedResource } from "./types";

export const accountKindsOption = z
  .array(z.string().min(1))
  .min(1)
  .default(["OpenAI", "AIServices"])
  .describe("Account kinds the rule applies to.");

export function isGovernedAccount(resource: PlannedResource, kinds: readonly string[]): boolean {
  const kind = stringAt(resource, "kind");
  return kind !== undefined && kinds.includes(kind);
}
