import { NAMES } from "../../gateway-policy/strategies/edge";
import { detectApplyEnvironment } from "../apply/environment";
import { RolloutError } from "../errors";
import type { RequestRecord } from "./records";
import type { MetricQuery, MetricSource } from "./source";

/** Most rows one query returns; a fuller window is reported as truncated rather than silently cut. */
export const MAX_ROWS = 50_000;

/**
 * KQL over the APIM resource-specific tables in Log Analytics: one row per gateway request of the
 * route (client path `/openai/deployments/<route>/…`), the deployment read from the backend URL,
 * tokens joined from the LLM log on CorrelationId. The route name is escaped as a KQL string.
 * `arm` is the side the canary split assigned, from the policy's `trace` record (`aoai-arm=<side>`
 * in TraceRecords; written by every canary route): BackendUrl names only the backend that finally
 * answered, which with `canary.failover` can be the canary's deployment for a stable request, and
 * is empty when the gateway answered itself (an exhausted pool's 429). The same record names the
 * route (`aoai-route=<route>`), which is how a canary route's v1-surface requests
 * (`/openai/v1/...`, the route in the body's `model`) are found; on a route without a canary only
 * deployment-path requests are (their log has no record naming the route).
 */
export function buildRequestsKql(route: string, windowSeconds: number, limit = MAX_ROWS): string {
  const window = `${Math.max(1, Math.round(windowSeconds))}s`;
  const routeLiteral = JSON.stringify(`/openai/deployments/${route}/`);
  return [
    "ApiManagementGatewayLogs",
    `| where TimeGenerated > ago(${window})`,
    '| extend traced = tostring(column_ifexists("TraceRecords", ""))',
    `| where Url has ${routeLiteral} or extract(@"${NAMES.routeTracePrefix.trim()}([A-Za-z0-9._-]+)", 1, traced) == ${JSON.stringify(route)}`,
    '| extend deployment = extract(@"/openai/deployments/([^/?]+)", 1, BackendUrl)',
    `| extend arm = extract(@"${NAMES.armTracePrefix}([a-z0-9-]+)", 1, traced)`,
    "| join kind=leftouter (",
    "    ApiManagementGatewayLlmLog",
    `    | where TimeGenerated > ago(${window}) and SequenceNumber == 0`,
    "    | project CorrelationId, PromptTokens, CompletionTokens",
    "  ) on CorrelationId",
    "| project TimeGenerated, deployment, status = iff(isnull(BackendResponseCode) or BackendResponseCode == 0, ResponseCode, BackendResponseCode),",
    "    latencyMs = TotalTime, promptTokens = coalesce(PromptTokens, 0), completionTokens = coalesce(CompletionTokens, 0), CorrelationId, arm",
    "| order by TimeGenerated asc",
    `| take ${limit + 1}`,
  ].join("\n");
}

/** `RequestRecord.deployment` of a request the gateway answered itself (no backend URL in the log). */
export const GATEWAY_ANSWERED = "(gateway)";

/**
 * Maps query rows (by column name) to records. A row without a backend deployment is a request the
 * gateway answered itself: kept, as GATEWAY_ANSWERED, when the canary split logged its arm (it is
 * that arm's failure, e.g. its exhausted pool's 429), skipped otherwise (no route side to judge).
 */
export function rowsToRecords(route: string, columns: readonly string[], rows: readonly unknown[][]): RequestRecord[] {
  const at = (name: string): number => {
    const i = columns.indexOf(name);
    if (i < 0) throw new RolloutError(`Azure Monitor result has no column ${name}; columns: ${columns.join(", ")}`, 1);
    return i;
  };
  const [time, deployment, status, latency, prompt, completion, correlation, arm] = [
    at("TimeGenerated"), at("deployment"), at("status"), at("latencyMs"), at("promptTokens"), at("completionTokens"), at("CorrelationId"), at("arm"),
  ];
  const served = (row: readonly unknown[]): boolean => typeof row[deployment] === "string" && row[deployment] !== "";
  return rows
    .filter((row) => served(row) || (typeof row[arm] === "string" && row[arm] !== ""))
    .map((row) => ({
      timestamp: row[time] instanceof Date ? (row[time] as Date).toISOString() : String(row[time]),
      route,
      deployment: served(row) ? String(row[deployment]) : GATEWAY_ANSWERED,
      status: Number(row[status] ?? 0),
      latencyMs: Number(row[latency] ?? 0),
      promptTokens: Number(row[prompt] ?? 0),
      completionTokens: Number(row[completion] ?? 0),
      ...(row[correlation] ? { correlationId: String(row[correlation]) } : {}),
      ...(row[arm] ? { arm: String(row[arm]) } : {}),
    }));
}

/**
 * Live source: the gateway's own logs in a Log Analytics workspace (APIM diagnostic settings in
 * resource-specific mode, which the gateway component's App Insights/diagnostics option sets up).
 */
export class AzureMonitorMetricSource implements MetricSource {
  readonly description: string;
  readonly realTime = true;

  private constructor(private readonly workspaceId: string) {
    this.description = `Azure Monitor workspace ${workspaceId}`;
  }

  /** Refuses plainly when there are no credentials or no workspace, instead of failing later. */
  static create(workspaceId: string | undefined): AzureMonitorMetricSource {
    const env = detectApplyEnvironment();
    if (!env.azureCredentials) {
      throw new RolloutError(
        "the Azure Monitor source needs Azure credentials and none were found (ARM_*/AZURE_* variables or `az login`); use --source sim or --source file:<export.json|csv>",
        3,
      );
    }
    if (!workspaceId) throw new RolloutError("--workspace <Log Analytics workspace id> is required with --source azure (or set AOAI_FLEET_LOG_WORKSPACE_ID)", 2);
    return new AzureMonitorMetricSource(workspaceId);
  }

  async fetch(query: MetricQuery): Promise<RequestRecord[]> {
    const { LogsQueryClient, LogsQueryResultStatus } = await import("@azure/monitor-query");
    const { DefaultAzureCredential } = await import("@azure/identity");
    const client = new LogsQueryClient(new DefaultAzureCredential());
    const result = await client.queryWorkspace(this.workspaceId, buildRequestsKql(query.route, query.windowSeconds), { duration: `PT${Math.max(1, Math.round(query.windowSeconds))}S` });
    if (result.status !== LogsQueryResultStatus.Success) {
      throw new RolloutError(`Azure Monitor query failed: ${result.partialError.message}`, 1);
    }
    const table = result.tables[0];
    if (!table) return [];
    if (table.rows.length > MAX_ROWS) {
      throw new RolloutError(`more than ${MAX_ROWS} requests in ${query.windowSeconds} s on route ${query.route}; use a shorter --window`, 2);
    }
    return rowsToRecords(query.route, table.columnDescriptors.map((c) => c.name ?? ""), table.rows);
  }

  async nextWindow(seconds: number): Promise<boolean> {
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    return true;
  }
}
