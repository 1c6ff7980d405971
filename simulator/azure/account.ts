// A simulated Azure OpenAI account (one per region): the base URL a gateway backend points at,
// routing `/openai/deployments/{name}/...` to the deployment of that name in the account.
import { openAiError, type SimRequest, type SimResponse, type Upstream } from "../http-types";
import type { SimulatedDeployment } from "./deployment";

export class SimulatedAccount implements Upstream {
  private readonly deployments = new Map<string, SimulatedDeployment>();

  constructor(
    /** Origin of the account, e.g. `https://contoso-eastus2.openai.azure.com`. */
    readonly origin: string,
    readonly region: string,
  ) {}

  add(d: SimulatedDeployment): void {
    this.deployments.set(d.spec.deployment, d);
  }

  get(name: string): SimulatedDeployment | undefined {
    return this.deployments.get(name);
  }

  all(): SimulatedDeployment[] {
    return [...this.deployments.values()];
  }

  send(request: SimRequest, timeoutMs: number): Promise<SimResponse> {
    const m = /^\/openai\/deployments\/([^/]+)\//.exec(request.path);
    const d = m ? this.deployments.get(decodeURIComponent(m[1]!)) : undefined;
    if (!d) {
      return Promise.resolve(
        openAiError(404, "DeploymentNotFound", `The API deployment for this resource does not exist (${this.origin}${request.path}).`),
      );
    }
    return d.send(request, timeoutMs);
  }
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
