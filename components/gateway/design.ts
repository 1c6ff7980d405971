/**
 * The gateway design: everything the `AiGateway` component deploys that is decided from plain
 * values (config + fleet inventory), computed without Pulumi so the plan steps, the tests and the
 * component all see the same backends, pools, named values and policy XML.
 */
import type { GatewayConfig } from "../../stacks/config/gateway";
import { singleBackendId } from "./backends";

/** One fleet deployment in one region, as plain values (no Outputs). */
export interface InventoryEntry {
  /** Fleet deployment name. */
  readonly deployment: string;
  /** Azure region. */
  readonly region: string;
  /** Capacity units in this region. */
  readonly capacity: number;
  /** Tokens per minute for that capacity (null when the catalog has no figure). */
  readonly tokensPerMinute: number | null;
  /** Deployment SKU. */
  readonly sku: string;
}

/** A `Single` APIM backend: one deployment × region. */
export interface SingleBackendDesign extends InventoryEntry {
  /** APIM backend id (`<deployment>-<region>`). */
  readonly id: string;
}

/** One member of a pool. */
export interface PoolMemberDesign {
  /** Id of a `Single` backend. */
  readonly backendId: string;
  /** Pool priority (lower is preferred); undefined for one-tier pools. */
  readonly priority?: number;
  /** Pool weight within its priority (0–100). */
  readonly weight?: number;
}

/** A `Pool` APIM backend. */
export interface PoolDesign {
  /** APIM backend id referenced by `set-backend-service backend-id`. */
  readonly id: string;
  /** Route the pool serves. */
  readonly route: string;
  /** What the pool is for in the route (e.g. `stable`, `canary`, `blue`). */
  readonly role: string;
  /** Members in a stable order. */
  readonly members: readonly PoolMemberDesign[];
}

/** A plain (non-secret) APIM named value the policy reads. */
export interface NamedValueDesign {
  /** Named value id and display name (`{{id}}` in policies). */
  readonly id: string;
  /** Value as stored in APIM. */
  readonly value: string;
  /** Why it exists, for humans (docs, plan table). */
  readonly purpose: string;
}

/** A generated policy document. */
export interface PolicyDocumentDesign {
  /** `api` for the API-level policy, else the route name. */
  readonly scope: string;
  /** Rendered XML (from `gateway-policy` render only). */
  readonly xml: string;
}

/** Everything decided before any resource exists. */
export interface GatewayDesign {
  readonly singles: readonly SingleBackendDesign[];
  readonly pools: readonly PoolDesign[];
  readonly namedValues: readonly NamedValueDesign[];
  /** The policy attached to the `openai` API. */
  readonly apiPolicy: PolicyDocumentDesign;
  /** One policy per route, in route order. */
  readonly routePolicies: readonly PolicyDocumentDesign[];
}

/** Singles for every deployment × region of the fleet, in inventory order. */
export function designSingles(inventory: readonly InventoryEntry[]): SingleBackendDesign[] {
  return inventory.map((entry) => ({ ...entry, id: singleBackendId(entry.deployment, entry.region) }));
}

export type { GatewayConfig };
