// What every baseline shares: the benchmark fleet, the source record each cites, and the one
// adaptation all of them need on this fleet (see docs/simulator.md, "Faithful baselines").
import { expr, type Statement } from "../../../gateway-policy/index";
import type { CallerIdentity } from "../../../simulator/gateway-types";
import { BENCH_BACKENDS, STABLE_IDS } from "../fleet";

/** Where a baseline comes from: repository, commit and the files whose behaviour it reproduces. */
export interface BaselineSource {
  repository: string;
  commit: string;
  files: string[];
  /** What differs from the source and why (documented, never a weakening). */
  adaptations: string[];
}

export const STABLE_BACKENDS = BENCH_BACKENDS.filter((b) => STABLE_IDS.includes(b.backendId));

/**
 * The benchmark's backends point at a deployment (`…/openai/deployments/<name>`, as Apim-Samples
 * does) because the fleet's deployments have different names (`chat-ptu`, `chat-std`); so each
 * baseline strips the client's `/deployments/<route>` prefix with one rewrite-uri.
 */
export const STRIP_ROUTE: Statement = { kind: "rewrite-uri", template: expr.pathAfterDeployment(), copyUnmatchedParams: true };

export const keyHeaders = (c: CallerIdentity): Record<string, string> => ({ "api-key": `key-${c.subscriptionId}` });

/** The bench fleet's backend ids, by role. */
export const PTU = "chat-ptu-eastus2";
export const STD_EASTUS2 = "chat-std-eastus2";
export const STD_SWEDEN = "chat-std-swedencentral";
export const STD_WESTUS3 = "chat-std-westus3";
