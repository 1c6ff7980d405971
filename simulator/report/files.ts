// Writes a simulation's report under out/<stack>/sim/<scenario>/: summary.json, requests.csv
// (one line per client request) and the SVG plots.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Simulation } from "../run/simulate";
import { renderRunPlots } from "./plots";

export async function writeSimulationReport(dir: string, sim: Simulation, label: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: Record<string, string> = {};
  files["summary.json"] = `${JSON.stringify({ label, ...sim.summary, metricsEmitted: sim.emulator.metrics.length }, null, 2)}\n`;
  const lines = ["id,at_ms,caller,status,latency_ms,ttft_ms,ttlt_ms,streamed,added_ms,attempts,first_backend,last_backend,gateway_generated,client_calls,prompt_tokens,max_tokens"];
  for (const r of sim.run.requests) {
    const first = r.trace.attempts[0]?.backendId ?? "";
    const last = r.trace.attempts[r.trace.attempts.length - 1]?.backendId ?? "";
    lines.push([r.id, r.atMs.toFixed(1), r.caller, r.status, r.latencyMs.toFixed(1), r.ttftMs.toFixed(1), r.ttltMs.toFixed(1), r.streamed, r.addedMs.toFixed(1), r.trace.attempts.length, first, last, r.trace.gatewayGenerated, r.clientCalls, r.size.promptTokens, r.size.maxTokens].join(","));
  }
  files["requests.csv"] = `${lines.join("\n")}\n`;
  Object.assign(files, await renderRunPlots(sim.run, `${label} · ${sim.run.scenario.name}`));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text, "utf8");
  return Object.keys(files).map((f) => join(dir, f));
}
