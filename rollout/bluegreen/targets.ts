import { isClientAnswer, type RequestRecord } from "../metrics/records";
import type { SimulatorMetricSource } from "../metrics/simulatorSource";
import { NAMES } from "../../gateway-policy/strategies/edge";
import { RolloutError } from "../errors";
import type { SmokeTarget } from "./smoke";

/** Smoke requests through the simulator, forced to a slot as the test header does at the gateway. */
export class SimulatorSmokeTarget implements SmokeTarget {
  readonly description: string;
  constructor(private readonly source: SimulatorMetricSource) {
    this.description = source.description;
  }
  async send(route: string, slot: "blue" | "green", requests: number): Promise<RequestRecord[]> {
    // One request per 100 ms of virtual time: a smoke test, not a load test.
    const records = await this.source.simulate(route, Math.max(1, requests / 10), { forceSlot: slot, requests });
    return records.filter(isClientAnswer);
  }
}

/** Options of a smoke test against a live gateway (APIM, or the local emulator's HTTP gateway). */
export interface HttpSmokeOptions {
  /** Gateway base URL, e.g. `https://contoso-ai.azure-api.net` or `http://127.0.0.1:8080`. */
  baseUrl: string;
  /** Header that forces the slot (the generated policy's test header). */
  slotHeader: string;
  /** Extra headers (subscription key, bearer token). */
  headers: Record<string, string>;
  apiVersion: string;
  timeoutMs: number;
}

/** Real HTTP chat completions to `/openai/deployments/<route>/chat/completions` with the slot header. */
export class HttpSmokeTarget implements SmokeTarget {
  readonly description: string;
  constructor(private readonly options: HttpSmokeOptions) {
    this.description = `gateway ${options.baseUrl} (header ${options.slotHeader})`;
  }
  async send(route: string, slot: "blue" | "green", requests: number): Promise<RequestRecord[]> {
    const records: RequestRecord[] = [];
    const url = `${this.options.baseUrl.replace(/\/$/, "")}/openai/deployments/${encodeURIComponent(route)}/chat/completions?api-version=${encodeURIComponent(this.options.apiVersion)}`;
    for (let i = 0; i < requests; i++) {
      const started = performance.now();
      let status = 0;
      let usage: { prompt_tokens?: number; completion_tokens?: number } | undefined;
      try {
        const response = await fetch(url, {
          method: "POST",
          // Keep smoke traffic off any canary too: the policy's canary step would otherwise override the slot.
          headers: { "content-type": "application/json", [this.options.slotHeader]: slot, [NAMES.canaryHeader]: "stable", ...this.options.headers },
          body: JSON.stringify({ messages: [{ role: "user", content: "Reply with the word ok." }], max_tokens: 5 }),
          signal: AbortSignal.timeout(this.options.timeoutMs),
        });
        status = response.status;
        const body = (await response.json().catch(() => undefined)) as { usage?: typeof usage } | undefined;
        usage = body?.usage;
      } catch (error) {
        if (i === 0 && error instanceof TypeError) {
          throw new RolloutError(`cannot reach ${this.options.baseUrl} (${error.message}); is the gateway running? (offline: npm run gateway -- <stack>, or use --target sim)`, 3);
        }
      }
      records.push({
        timestamp: new Date().toISOString(),
        route,
        deployment: slot,
        status,
        latencyMs: performance.now() - started,
        promptTokens: usage?.prompt_tokens ?? 0,
        completionTokens: usage?.completion_tokens ?? 0,
      });
    }
    return records;
  }
}
