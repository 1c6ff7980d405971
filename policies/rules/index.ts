// Every guardrail rule, in the order the pack and the plan report them. A test checks that every
// rule file in this folder is listed here and registered in the pack.
import { aoaiAccountConfigurePublicNetwork } from "./aoai-account-configure-public-network";
import { aoaiAccountDisableLocalAuth } from "./aoai-account-disable-local-auth";
import { aoaiAccountEnforceRegionResidency } from "./aoai-account-enforce-region-residency";
import { aoaiAccountMissingManagedIdentity } from "./aoai-account-missing-managed-identity";
import { aoaiAccountEnforcePrivateEndpoint } from "./aoai-account-enforce-private-endpoint";
import { aoaiApiEnforceAuthentication } from "./aoai-api-enforce-authentication";
import { aoaiBackendEnforcePoolResilience } from "./aoai-backend-enforce-pool-resilience";
import { aoaiDeploymentDisallowRetiredVersion } from "./aoai-deployment-disallow-retired-version";
import { aoaiDeploymentDisallowRetiringVersion } from "./aoai-deployment-disallow-retiring-version";
import { aoaiDeploymentEnforceAllowedSku } from "./aoai-deployment-enforce-allowed-sku";
import { aoaiDeploymentEnforceCapacityQuota } from "./aoai-deployment-enforce-capacity-quota";
import { aoaiDeploymentEnforceResidencySku } from "./aoai-deployment-enforce-residency-sku";
import { aoaiDeploymentEnforceUpgradeOption } from "./aoai-deployment-enforce-upgrade-option";
import { aoaiDeploymentMissingModelVersion } from "./aoai-deployment-missing-model-version";
import { aoaiGatewayDisallowPlaintextSecret } from "./aoai-gateway-disallow-plaintext-secret";
import type { Rule } from "./types";

export const allRules: readonly Rule[] = [
  aoaiDeploymentMissingModelVersion,
  aoaiDeploymentEnforceUpgradeOption,
  aoaiDeploymentDisallowRetiredVersion,
  aoaiDeploymentDisallowRetiringVersion,
  aoaiDeploymentEnforceResidencySku,
  aoaiDeploymentEnforceAllowedSku,
  aoaiDeploymentEnforceCapacityQuota,
  aoaiAccountEnforceRegionResidency,
  aoaiAccountDisableLocalAuth,
  aoaiAccountConfigurePublicNetwork,
  aoaiAccountEnforcePrivateEndpoint,
  aoaiAccountMissingManagedIdentity,
  aoaiBackendEnforcePoolResilience,
  aoaiGatewayDisallowPlaintextSecret,
  aoaiApiEnforceAuthentication,
];

export * from "./types";
