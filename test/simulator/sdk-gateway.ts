// The local gateway of the shipped dev stack with the official openai SDK's two clients pointed at
// it, for tests where the SDK judges what the gateway answers. Deployments answer in about 2 ms.
import OpenAI, { AzureOpenAI } from "openai";
import { startGateway, type RunningGateway } from "../../simulator/http/server";
import { loadStackSetup } from "../../simulator/stack";

/** Simulated latency: 2 ms per call, no per-token time, no spread. */
export const FAST_LATENCY = { baseMs: 2, perOutputTokenMs: 0, sigma: 0, rejectMs: 1 };

export interface SdkGateway {
  readonly gateway: RunningGateway;
  /** `OpenAI` on the v1 surface (`<gateway>/openai/v1/`). */
  readonly v1: OpenAI;
  /** `AzureOpenAI` on the legacy surface (api-version 2024-10-21). */
  readonly azure: AzureOpenAI;
}

/** Starts dev's gateway (subscription key "k", answers of `completionTokens` tokens); no SDK retries. */
export async function startDevSdkGateway(completionTokens: number): Promise<SdkGateway> {
  const gateway = await startGateway(loadStackSetup("dev", { today: new Date("2026-11-23") }), { latency: FAST_LATENCY, completionTokens, subscriptionKeys: ["k"] });
  return {
    gateway,
    v1: new OpenAI({ baseURL: `${gateway.url}/openai/v1/`, apiKey: "k", defaultHeaders: { "api-key": "k" }, maxRetries: 0 }),
    azure: new AzureOpenAI({ endpoint: gateway.url, apiKey: "k", apiVersion: "2024-10-21", maxRetries: 0 }),
  };
}
