/**
 * What a rollout edit may change in Azure, and whether a `pulumi preview` stays inside it. The
 * expected set comes from the gateway design the stack program computes (components/gateway/design)
 * before and after the edit: the named values whose value changed (canary percent, active slot),
 * the pool backends whose members changed and the API policy when its XML changed (a new canary or
 * slot deployment). Anything else the preview would touch — a fleet deployment, another route, a
 * local edit nobody reviewed — makes the apply refuse. Pure: no Pulumi imports.
 */
import { designStack } from "../stackfile/design";

/** The resources one rollout edit is allowed to update, by their APIM ids. */
export interface ExpectedChanges {
  namedValues: string[];
  pools: string[];
  apiPolicy: boolean;
}

/** One step of a preview, as the Automation API's engine events describe it. */
export interface PreviewStep {
  op: string;
  urn: string;
  type: string;
  /** The resource's new inputs, when the engine reports them. */
  inputs?: Record<string, unknown>;
}

export function expectedChanges(beforeText: string, afterText: string, today: Date): ExpectedChanges {
  const before = designStack(beforeText, today).design;
  const after = designStack(afterText, today).design;
  const valueOf = new Map(before.namedValues.map((v) => [v.id, v.value]));
  const membersOf = new Map(before.pools.map((p) => [p.id, JSON.stringify(p.members)]));
  return {
    namedValues: after.namedValues.filter((v) => valueOf.get(v.id) !== v.value).map((v) => v.id),
    pools: after.pools.filter((p) => membersOf.get(p.id) !== JSON.stringify(p.members)).map((p) => p.id),
    apiPolicy: before.apiPolicy.xml !== after.apiPolicy.xml,
  };
}

const APIM = /^azure-native:apimanagement(?:\/v\d{8}(?:preview)?)?:(NamedValue|Backend|ApiPolicy)$/;
/** Operations that leave a resource as it is. */
const UNCHANGED = new Set(["same", "read", "refresh"]);

/** Splits a preview's changing steps into those the edit explains and everything else. */
export function classifyPreview(steps: readonly PreviewStep[], expected: ExpectedChanges): { allowed: PreviewStep[]; unexpected: PreviewStep[] } {
  const allowed: PreviewStep[] = [];
  const unexpected: PreviewStep[] = [];
  for (const step of steps) {
    if (UNCHANGED.has(step.op) || step.type === "pulumi:pulumi:Stack") continue;
    (isExpected(step, expected) ? allowed : unexpected).push(step);
  }
  return { allowed, unexpected };
}

function isExpected(step: PreviewStep, expected: ExpectedChanges): boolean {
  // Only in-place updates: a replace or delete of a gateway resource is never a rollout step.
  if (step.op !== "update") return false;
  const kind = APIM.exec(step.type)?.[1];
  const inputs = step.inputs ?? {};
  if (kind === "NamedValue") return expected.namedValues.includes(String(inputs.namedValueId));
  if (kind === "Backend") return inputs.type === "Pool" && expected.pools.includes(String(inputs.backendId));
  if (kind === "ApiPolicy") return expected.apiPolicy;
  return false;
}

/** `op type name` lines for a refusal message. */
export function describeSteps(steps: readonly PreviewStep[]): string {
  return steps.map((s) => `${s.op} ${s.type} ${s.urn.split("::").at(-1) ?? s.urn}`).join("; ");
}
