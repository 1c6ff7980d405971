// A simulated Azure OpenAI account (one per region): the base URL a gateway backend points at.
// It routes `/openai/deployments/{name}/...` by the path and the v1 and Responses surfaces by the
// body's `model`, and keeps the account's stored Responses (a response lives on the account that
// created it; any other account answers "not found"). Every answer carries Azure's request ids.
// Spillover happens here, in the service: a provisioned deployment's trigger answer is followed by a
// call to the standard deployment of this account it names (spillover.ts).
import { createHash } from "node:crypto";
import { v4 as uuidV4 } from "uuid";
import type { Clock } from "../clock";
import { openAiError, type SimRequest, type SimResponse, type Upstream } from "../http-types";
import type { SimulatedDeployment } from "./deployment";
import { parseAzureRequest } from "./request";
import { ResponseStore, unknownPreviousResponse } from "./responses-store";
import { serveWithSpillover, spilloverTarget } from "./spillover";

export class SimulatedAccount implements Upstream {
  private readonly deployments = new Map<string, SimulatedDeployment>();
  /** The account's stored Responses. */
  readonly responses = new ResponseStore();
  /** Requests served per kind, for reports and tests (`byId`: the `/responses/{id}` paths). */
  readonly served = { inference: 0, byId: 0 };
  /** Requests answered, numbering the request ids. */
  private requests = 0;
  /** The clock of the account's deployments (set by the first added): retention, and pacing a replayed stream. */
  private clock: Clock = { now: () => 0, sleep: () => Promise.resolve() };

  constructor(
    /** Origin of the account, e.g. `https://contoso-eastus2.openai.azure.com`. */
    readonly origin: string,
    readonly region: string,
  ) {}

  add(d: SimulatedDeployment): void {
    this.deployments.set(d.spec.deployment, d);
    if (this.deployments.size === 1) this.clock = d.clock;
  }

  get(name: string): SimulatedDeployment | undefined {
    return this.deployments.get(name);
  }

  all(): SimulatedDeployment[] {
    return [...this.deployments.values()];
  }

  /**
   * Serves one request. Azure stamps every answer, errors and 429s included, with `apim-request-id`
   * and `x-request-id` (captured Azure OpenAI responses carry both, with different values); the
   * openai SDKs expose `x-request-id` as `_request_id` / `requestID` on results and errors, so
   * without it a client's request-id logging is never exercised locally (found by exploratory QA:
   * `withResponse().request_id` was null through the local gateway).
   */
  async send(request: SimRequest, timeoutMs: number): Promise<SimResponse> {
    const response = await this.route(request, timeoutMs);
    const ids = requestIds(this.origin, ++this.requests);
    return { ...response, headers: { ...response.headers, "apim-request-id": ids.apim, "x-request-id": ids.request } };
  }

  private route(request: SimRequest, timeoutMs: number): Promise<SimResponse> {
    const parsed = parseAzureRequest(request);
    if (parsed.kind === "error") return Promise.resolve(parsed.response);
    if (parsed.kind === "response-id") {
      this.served.byId++;
      return Promise.resolve(this.responses.answer(parsed.operation, parsed.id, this.clock, request.query));
    }
    this.served.inference++;
    const d = this.deployments.get(parsed.deployment);
    if (!d) {
      return Promise.resolve(
        openAiError(404, "DeploymentNotFound", "The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again."),
      );
    }
    if (parsed.operation !== "responses") {
      // Spillover (spillover.ts) is for these operations; Responses calls never spill.
      const target = spilloverTarget(d, parsed, request, (name) => this.deployments.get(name));
      return target ? serveWithSpillover(d, target, this.clock, parsed, request, timeoutMs) : d.serve(parsed, request, timeoutMs);
    }
    const previousId = parsed.body.previous_response_id;
    if (typeof previousId === "string" && previousId !== "") {
      const previous = this.responses.get(previousId, this.clock.now());
      if (!previous) return Promise.resolve(unknownPreviousResponse(previousId));
      const u = previous.response.usage;
      return d.serve(parsed, request, timeoutMs, { store: this.responses, previous, previousTokens: u ? u.input_tokens + u.output_tokens : 0 });
    }
    return d.serve(parsed, request, timeoutMs, { store: this.responses, previousTokens: 0 });
  }

  /**
   * Checks the spillover properties of the account's deployments, as ARM does when one is set: the
   * target must be a standard deployment of this account, and only a provisioned deployment spills.
   */
  checkSpillover(): void {
    for (const d of this.deployments.values()) {
      const name = d.spec.spillover;
      if (name === undefined) continue;
      const target = this.deployments.get(name);
      if (d.spec.provisioned !== true) throw new Error(`simulator: ${d.name} has spillover to ${name}, but spillover is set on provisioned deployments only`);
      if (!target || target.spec.provisioned === true) {
        throw new Error(`simulator: ${d.name} spills over to "${name}", which is not a standard deployment of its account ${this.origin} (standard deployments there: ${this.all().filter((x) => x.spec.provisioned !== true).map((x) => x.spec.deployment).join(", ") || "none"})`);
      }
    }
  }
}

/**
 * The request ids of an account's n-th answer, version-4 UUIDs like Azure's. Their "random" bytes
 * are a hash of the account and the count rather than a random draw, so simulated runs repeat (no
 * random draw moves); `uuid` sets the version and variant bits.
 */
export function requestIds(origin: string, n: number): { apim: string; request: string } {
  const uuid = (seed: string): string => uuidV4({ random: createHash("sha256").update(seed).digest().subarray(0, 16) });
  return { apim: uuid(`${origin}|${n}|apim`), request: uuid(`${origin}|${n}|request`) };
}

/** Finds the upstream serving a URL's origin; unknown origins are a configuration error. */
export class UpstreamDirectory {
  private readonly byOrigin = new Map<string, Upstream>();

  set(origin: string, upstream: Upstream): void {
    this.byOrigin.set(origin.toLowerCase(), upstream);
  }

  resolve(url: URL): Upstream | undefined {
    return this.byOrigin.get(url.origin.toLowerCase());
  }

  origins(): string[] {
    return [...this.byOrigin.keys()];
  }
}
