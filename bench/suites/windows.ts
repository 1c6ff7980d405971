// `npm run bench -- windows`: the same request stream through three limiters of one Standard
// deployment — this simulator's earlier fixed windows, its sliding windows, and (when a checkout of
// microsoft/aoai-api-simulator is given in MS_AOAI_SIMULATOR) Microsoft's own simulator's limiter —
// reporting the share throttled and the Retry-After distribution of each.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { quantileSorted } from "simple-statistics";
import { StandardLimiter, TumblingCounter } from "../../simulator/azure/windows";
import { Rng } from "../../simulator/rng";
import { defineBenchSuite } from "../registry";

/** One GlobalStandard deployment of the routing benchmark: 100 K TPM, 600 RPM (100 per 10 s). */
const TPM = 100_000;
const RP10 = 100;
/** Prompt 500 + max_tokens 500, the routing scenarios' request; offered at 3.7× the token limit. */
const PROMPT = 500;
const MAX_TOKENS = 500;
const OVERLOAD = 3.7;
const MINUTES = 10;

interface Outcome {
  admitted: boolean;
  retryAfterS: number | null;
}

interface LimiterResult {
  limiter: string;
  throttledShare: number;
  retryAfterP50S: number;
  retryAfterP90S: number;
}

function stream(seed: number): number[] {
  const rng = new Rng(seed);
  const rate = (OVERLOAD * TPM) / (PROMPT + MAX_TOKENS) / 60_000; // per ms
  const times: number[] = [];
  for (let t = rng.exponential(1 / rate); t < MINUTES * 60_000; t += rng.exponential(1 / rate)) times.push(t);
  return times;
}

function summarize(limiter: string, outcomes: Outcome[]): LimiterResult {
  const waits = outcomes.filter((o) => !o.admitted && o.retryAfterS !== null).map((o) => o.retryAfterS!).sort((a, b) => a - b);
  return {
    limiter,
    throttledShare: outcomes.filter((o) => !o.admitted).length / outcomes.length,
    retryAfterP50S: waits.length ? quantileSorted(waits, 0.5) : 0,
    retryAfterP90S: waits.length ? quantileSorted(waits, 0.9) : 0,
  };
}

/** The fixed-window model this simulator used before: 60-s token and 10-s request buckets, refusals counted. */
function tumbling(times: number[], cost: number): Outcome[] {
  const tokens = new TumblingCounter(60_000, 0);
  const requests = new TumblingCounter(10_000, 0);
  return times.map((t) => {
    const requestsFull = requests.usedAt(t) + 1 > RP10;
    const tokensFull = tokens.usedAt(t) + cost > TPM;
    requests.add(t, 1);
    if (requestsFull) return { admitted: false, retryAfterS: Math.max(1, Math.ceil(requests.msToReset(t) / 1000)) };
    if (tokensFull) return { admitted: false, retryAfterS: Math.max(1, Math.ceil(tokens.msToReset(t) / 1000)) };
    tokens.add(t, cost);
    return { admitted: true, retryAfterS: null };
  });
}

function sliding(times: number[], cost: number): Outcome[] {
  const l = new StandardLimiter();
  return times.map((t) => {
    const r = l.admit(t, cost, TPM, RP10);
    return r ? { admitted: false, retryAfterS: Math.max(1, Math.ceil(r.waitMs / 1000)) } : { admitted: true, retryAfterS: null };
  });
}

function microsoft(times: number[], cost: number, repo: string): Outcome[] | string {
  const limiters = path.join(repo, "src", "aoai-api-simulator", "src", "aoai_api_simulator", "limiters.py");
  if (!fs.existsSync(limiters)) return `no limiters.py under ${repo}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aoai-windows-"));
  const file = path.join(dir, "stream.json");
  fs.writeFileSync(file, JSON.stringify({ tokensPerMinute: TPM, requestsPer10s: RP10, requests: times.map((t) => [t / 1000, cost]) }));
  const run = spawnSync("python3", [path.join(__dirname, "..", "windows", "ms_limiter.py"), limiters, file], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  fs.rmSync(dir, { recursive: true, force: true });
  if (run.status !== 0) return `python3 failed: ${run.stderr.trim().split("\n").pop()}`;
  return (JSON.parse(run.stdout) as Array<[number, number | null]>).map(([ok, ra]) => ({ admitted: ok === 1, retryAfterS: ra }));
}

defineBenchSuite({
  name: "windows",
  description: `one 100 K TPM / 600 RPM deployment offered ${OVERLOAD}× its token limit for ${MINUTES} min (prompt ${PROMPT} + max_tokens ${MAX_TOKENS}): share throttled and Retry-After per limiter`,
  async run(print) {
    const times = stream(42);
    const estimate = PROMPT + MAX_TOKENS;
    const ours = sliding(times, estimate);
    const results: LimiterResult[] = [summarize("fixed windows (before)", tumbling(times, estimate)), summarize("sliding windows (now)", ours)];
    let agreement: number | null = null;
    const repo = process.env.MS_AOAI_SIMULATOR;
    let microsoftNote = "MS_AOAI_SIMULATOR is not set: Microsoft's limiter was not run";
    if (repo) {
      // As Microsoft's simulator charges a chat request (max_tokens only), and with this simulator's estimate.
      const asCharged = microsoft(times, MAX_TOKENS, repo);
      const sameCost = microsoft(times, estimate, repo);
      if (typeof asCharged === "string" || typeof sameCost === "string") microsoftNote = `Microsoft's limiter did not run: ${typeof asCharged === "string" ? asCharged : sameCost}`;
      else {
        results.push(summarize("microsoft/aoai-api-simulator (charges max_tokens)", asCharged), summarize("microsoft/aoai-api-simulator (charged prompt + max_tokens)", sameCost));
        // Same charge, same stream: how many decisions (admit or refuse, and the Retry-After) agree.
        agreement = sameCost.filter((o, i) => o.admitted === ours[i]!.admitted && o.retryAfterS === ours[i]!.retryAfterS).length / times.length;
        microsoftNote = `Microsoft's limiter from ${repo}`;
      }
    }
    print(`${times.length} requests; ${microsoftNote}${agreement === null ? "" : `; same decision and Retry-After as our sliding window for ${(100 * agreement).toFixed(2)}% of requests at the same charge`}`);
    for (const r of results) print(`${r.limiter.padEnd(60)} throttled ${(100 * r.throttledShare).toFixed(1)}%  Retry-After p50 ${r.retryAfterP50S} s, p90 ${r.retryAfterP90S} s`);
    return { requests: times.length, tokensPerMinute: TPM, requestsPer10s: RP10, promptTokens: PROMPT, maxTokens: MAX_TOKENS, overload: OVERLOAD, microsoft: microsoftNote, agreementWithMicrosoftAtSameCharge: agreement, results };
  },
});
