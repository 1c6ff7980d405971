/**
 * The gateway tier's policy-size limit, checked on each rendered document: the Consumption tier
 * accepts at most 16 KiB per policy (APIM_LIMITS), and a plan over it fails naming what would fit.
 */
import { APIM_LIMITS, type GatewayConfig } from "../../stacks/config/gateway";
import { FleetConfigError } from "../../stacks/config/errors";
import type { PolicyDocumentDesign } from "./design";

/** What a Consumption gateway over its 16 KiB can do, by what it has: fewer routes, no strategies, another sku. */
function consumptionSizeHints(config: GatewayConfig): string {
  const routes = Object.values(config.routes ?? {});
  const strategies = routes.some((r) => r.canary !== undefined || r.abTest !== undefined || r.shadow !== undefined || r.blueGreen !== undefined);
  return [
    ...(routes.length > 1 ? [`use fewer routes (this gateway has ${routes.length})`] : []),
    ...(strategies ? ["remove strategies (canary, A/B, shadow, blue-green)"] : []),
    "choose another sku (e.g. BasicV2)",
  ].join(" or ");
}

/** Enforces the tier's policy-size limit (Consumption: 16 KiB) on one rendered document. */
export function checkTierPolicySize(config: GatewayConfig, document: PolicyDocumentDesign, path: string): void {
  if (config.sku !== "Consumption") return;
  const bytes = Buffer.byteLength(document.xml, "utf8");
  if (bytes > APIM_LIMITS.consumptionPolicyBytes) {
    throw new FleetConfigError([
      {
        path,
        message: `the generated ${document.scope === "api" ? "API" : `route ${document.scope}`} policy is ${(bytes / 1024).toFixed(1)} KiB; the Consumption tier accepts at most 16 KiB per policy, about three plain routes; ${consumptionSizeHints(config)}`,
      },
    ]);
  }
}
