#!/usr/bin/env bash
# Turns on "custom metrics with dimensions" on the stack's Application Insights component, so the
# gateway's azure-openai-emit-token-metric dimensions (route, deployment, caller…) are kept instead
# of dropped at ingestion. The ARM property is properties.CustomMetricsOptedInType = WithDimensions
# (Microsoft.Insights/components, API 2020-02-02). It is not in the published REST spec, so the
# azure-native Component cannot set it; the deploy workflow runs this after every `pulumi up`
# (idempotent; a later PUT by Pulumi may reset it, which the next run repairs).
# Usage: app-insights-dimensions.sh <stack>   (needs `pulumi` logged in and `az` logged in)
set -euo pipefail
stack="$1"
id="$(pulumi stack output --stack "$stack" --json | jq -r '.gateway.appInsightsId // empty')"
if [ -z "$id" ]; then
  echo "stack $stack has no gateway.appInsightsId output (no aoai-fleet:gateway.appInsights): nothing to do"
  exit 0
fi
az resource update --ids "$id" --api-version 2020-02-02 --set properties.CustomMetricsOptedInType=WithDimensions --output none
echo "custom metrics with dimensions enabled on $id"
