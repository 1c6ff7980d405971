// The three patterns people copy, each reproduced from its source (repository + commit) with the
// same policy engine (typed AST → renderPolicy) and run by the same emulator on the same fleet.
import type { SimSetup } from "../../../simulator/stack";
import { AI_GATEWAY_LAB_SOURCE, aiGatewayLabSetup } from "./ai-gateway-lab";
import { APIM_SAMPLES_SOURCE, apimSamplesFailoverSetup } from "./apim-samples-failover";
import { OPENAI_APIM_LB_SOURCE, openaiApimLbSetup } from "./openai-apim-lb";
import type { BaselineSource } from "./shared";

export interface Baseline {
  /** Strategy key in bench/results.json. */
  key: "ai-gateway-lab" | "apim-samples-failover" | "openai-apim-lb";
  source: BaselineSource;
  setup(): SimSetup;
}

export const BASELINES: Baseline[] = [
  { key: "ai-gateway-lab", source: AI_GATEWAY_LAB_SOURCE, setup: aiGatewayLabSetup },
  { key: "apim-samples-failover", source: APIM_SAMPLES_SOURCE, setup: apimSamplesFailoverSetup },
  { key: "openai-apim-lb", source: OPENAI_APIM_LB_SOURCE, setup: openaiApimLbSetup },
];
