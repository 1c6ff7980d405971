import { describe, expect, it } from "vitest";
import { loadCatalog, type RequestLimits } from "../../core/catalog/catalog";
import { SimulatedDeployment, type SimDeploymentSpec } from "../../simulator/azure/deployment";
import { validateRequest } from "../../simulator/azure/validate-request";
import { VirtualClock } from "../../simulator/clock";
import type { SimRequest, SimResponse } from "../../simulator/http-types";
import { Rng } from "../../simulator/rng";
import { jsonDepth, MAX_JSON_DEPTH } from "../../simulator/safe-json";

const catalog = loadCatalog();
const mini = catalog.requestLimits("gpt-4.1-mini", "2025-04-14", "GlobalStandard");
const body = (o: unknown): string => JSON.stringify(o);
/** The deployment's call: the account parsed the body (request.ts), the raw text comes along. */
function validate(operation: "chat" | "completions" | "embeddings" | "responses", raw: string, limits: RequestLimits | undefined, model = "gpt-4.1-mini") {
  return validateRequest({ operation, body: JSON.parse(raw) as Record<string, unknown> }, raw, model, limits);
}
const errorOf = (check: ReturnType<typeof validateRequest>): unknown => (check.ok ? undefined : { status: check.response.status, ...JSON.parse(check.response.body as string) });

describe("catalog request limits (Microsoft Learn capability tables)", () => {
  it("resolve the context window per deployment type and the output maximum", () => {
    expect(mini).toEqual({ contextTokens: 300_000, maxOutputTokens: 32_768 });
    expect(catalog.requestLimits("gpt-4.1-mini", "2025-04-14", "GlobalProvisionedManaged")).toEqual({ contextTokens: 128_000, maxOutputTokens: 32_768 });
    expect(catalog.requestLimits("gpt-4.1", "2025-04-14", "GlobalBatch")).toEqual({ contextTokens: 128_000, maxOutputTokens: 32_768 });
    expect(catalog.requestLimits("gpt-4o", "2024-05-13", "GlobalStandard")).toEqual({ maxInputTokens: 128_000, maxOutputTokens: 4_096 });
    // Reasoning models (the catalog's `reasoning` family) take max_completion_tokens only.
    expect(catalog.requestLimits("gpt-5", "2025-08-07", "GlobalStandard")).toEqual({ completionTokensOnly: true, contextTokens: 400_000, maxInputTokens: 272_000, maxOutputTokens: 128_000 });
    expect(catalog.requestLimits("text-embedding-3-small", "1", "Standard")).toEqual({ maxInputTokens: 8_192 });
    expect(catalog.requestLimits("model-router", "2025-11-18", "GlobalStandard")).toBeUndefined();
    expect(catalog.version("gpt-4.1-mini", "2025-04-14")?.limits).toMatchObject({ source: "model-capabilities", asOf: "2026-06-11" });
    expect(catalog.data.sources["model-capabilities"]?.url).toBe("https://learn.microsoft.com/en-us/azure/foundry/openai/concepts/models");
  });
});

describe("validateRequest: Azure's 400s before admission", () => {
  const ok = { messages: [{ role: "user", content: "hi" }], max_tokens: 5 };

  it("accepts an ordinary request and sizes it", () => {
    expect(validate("chat", body(ok), mini)).toEqual({ ok: true, promptTokens: 1, maxTokens: 5 });
  });

  it("refuses max_tokens on a reasoning model's chat completions with Azure's unsupported_parameter body; max_completion_tokens passes", () => {
    const gpt54 = catalog.requestLimits("gpt-5.4", "2026-03-05", "DataZoneProvisionedManaged");
    expect(gpt54?.completionTokensOnly).toBe(true);
    expect(errorOf(validate("chat", body(ok), gpt54, "gpt-5.4"))).toEqual({
      status: 400,
      error: {
        code: "unsupported_parameter",
        message: "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
        param: "max_tokens",
        type: "invalid_request_error",
      },
    });
    expect(validate("chat", body({ ...ok, max_tokens: undefined, max_completion_tokens: 5 }), gpt54, "gpt-5.4")).toEqual({ ok: true, promptTokens: 1, maxTokens: 5 });
    expect(validate("chat", body({ ...ok, max_tokens: null }), gpt54, "gpt-5.4")).toMatchObject({ ok: true });
    // Other models keep max_tokens.
    expect(catalog.requestLimits("gpt-4.1-mini", "2025-04-14", "GlobalStandard")?.completionTokensOnly).toBeUndefined();
  });

  it("refuses max_tokens above the model's output limit with Azure's invalid_value body", () => {
    expect(errorOf(validate("chat", '{"messages":[{"role":"user","content":"hi"}],"max_tokens":1e308}', mini))).toEqual({
      status: 400,
      error: {
        code: "invalid_value",
        message: "max_tokens is too large: 1e+308. This model supports at most 32768 completion tokens, whereas you provided 1e+308.",
        param: "max_tokens",
        type: "invalid_request_error",
      },
    });
    expect(errorOf(validate("chat", body({ ...ok, max_tokens: undefined, max_completion_tokens: 40_000 }), mini))).toMatchObject({
      error: { code: "invalid_value", param: "max_completion_tokens", message: "max_completion_tokens is too large: 40000. This model supports at most 32768 completion tokens, whereas you provided 40000." },
    });
  });

  it("refuses a prompt plus output above the context window (and a prompt above the input limit)", () => {
    const long = { messages: [{ role: "user", content: "x".repeat(4 * 290_000) }], max_tokens: 20_000 };
    expect(errorOf(validate("chat", body(long), mini))).toEqual({
      status: 400,
      error: {
        code: "context_length_exceeded",
        message: "This model's maximum context length is 300000 tokens. However, you requested 310000 tokens (290000 in the messages, 20000 in the completion). Please reduce the length of the messages or completion.",
        param: "messages",
        type: "invalid_request_error",
      },
    });
    const gpt4o = catalog.requestLimits("gpt-4o", "2024-11-20", "GlobalStandard");
    expect(errorOf(validate("chat", body({ messages: [{ role: "user", content: "x".repeat(4 * 130_000) }] }), gpt4o))).toMatchObject({
      error: { code: "context_length_exceeded", message: "This model's maximum input length is 128000 tokens. However, your messages resulted in 130000 tokens. Please reduce the length of the messages." },
    });
    const embeddings = catalog.requestLimits("text-embedding-3-small", "1", "Standard");
    expect(errorOf(validate("embeddings", body({ input: "x".repeat(4 * 9_000) }), embeddings, "text-embedding-3-small"))).toMatchObject({ status: 400 });
    // The Responses API names its output cap max_output_tokens.
    expect(errorOf(validate("responses", body({ input: "hi", max_output_tokens: 40_000 }), mini))).toMatchObject({ error: { code: "invalid_value", param: "max_output_tokens" } });
  });

  it("refuses wrong types, naming the field", () => {
    const cases: Array<[unknown, string, string]> = [
      [{ ...ok, max_tokens: "5" }, "invalid_type", "Invalid type for 'max_tokens': expected an integer, but got a string instead."],
      [{ ...ok, max_tokens: 2.5 }, "invalid_type", "Invalid type for 'max_tokens': expected an integer, but got a decimal number instead."],
      [{ ...ok, max_tokens: 0 }, "integer_below_min_value", "Invalid 'max_tokens': value below minimum. Expected a value >= 1, but got 0 instead."],
      [{ ...ok, stream: "yes" }, "invalid_type", "Invalid type for 'stream': expected a boolean, but got a string instead."],
      [{ ...ok, temperature: 3 }, "integer_above_max_value", "Invalid 'temperature': value above maximum. Expected a value <= 2, but got 3 instead."],
      [{ messages: "hi" }, "invalid_type", "Invalid type for 'messages': expected a non-empty array of message objects."],
      [{ max_tokens: 5 }, "missing_required_parameter", "Missing required parameter: 'messages'."],
    ];
    for (const [input, code, message] of cases) expect(errorOf(validate("chat", body(input), mini))).toMatchObject({ status: 400, error: { code, message } });
    // 1e309 is not a finite number once parsed: a type error, not a limit error.
    expect(errorOf(validate("chat", '{"messages":[{"role":"user","content":"hi"}],"max_tokens":1e309}', mini))).toMatchObject({ error: { code: "invalid_type" } });
  });

  it(`refuses JSON nested deeper than ${MAX_JSON_DEPTH} levels, counted without recursion`, () => {
    const deep = `{"messages":[{"role":"user","content":${"[".repeat(6000)}${"]".repeat(6000)}}]}`;
    expect(jsonDepth(deep)).toBe(6003);
    expect(jsonDepth('{"a":"[[[[{{{{"}')).toBe(1); // brackets inside strings do not count
    expect(jsonDepth('{"a":"\\"[[["}')).toBe(1); // nor after an escaped quote
    expect(errorOf(validate("chat", deep, mini))).toEqual({
      status: 400,
      error: { code: "json_too_deep", message: `The request body nests JSON more than ${MAX_JSON_DEPTH} levels deep; the limit is ${MAX_JSON_DEPTH}.`, param: null, type: "invalid_request_error" },
    });
    const atLimit = `{"messages":[{"role":"user","content":"hi"}],"x":${"[".repeat(MAX_JSON_DEPTH - 1)}${"]".repeat(MAX_JSON_DEPTH - 1)}}`;
    expect(validate("chat", atLimit, mini).ok).toBe(true);
  });
});

describe("a simulated deployment charges nothing for a refused request", () => {
  const spec: SimDeploymentSpec = { deployment: "chat", region: "eastus2", model: "gpt-4.1-mini", capacity: 50, tpmPerUnit: 1000, rpmPerUnit: 1, latency: { baseMs: 1, perOutputTokenMs: 0, sigma: 0, rejectMs: 1 }, completionTokens: 5 };
  const request = (b: string): SimRequest => ({ method: "POST", path: "/openai/deployments/chat/chat/completions", query: { "api-version": "2024-10-21" }, headers: {}, body: b });
  /** Sends one request at the clock's current time and runs the virtual clock until it is answered. */
  async function send(clock: VirtualClock, d: SimulatedDeployment, b: string): Promise<SimResponse> {
    let answer: SimResponse | undefined;
    clock.schedule(clock.now(), () => void d.send(request(b), 60_000).then((r) => (answer = r)));
    await clock.run();
    return answer!;
  }

  it("400 for max_tokens 1e308, and the token window stays empty", async () => {
    const clock = new VirtualClock();
    const d = new SimulatedDeployment({ ...spec, requestLimits: mini! }, clock, new Rng(1));
    const r = await send(clock, d, '{"messages":[{"role":"user","content":"hi"}],"max_tokens":1e308}');
    expect(r.status).toBe(400);
    expect(d.limits.tokens.usedAt(clock.now())).toBe(0);
    expect(d.limits.requests.usedAt(clock.now())).toBe(0);
    expect(d.stats).toMatchObject({ accepted: 0, throttled: 0 });
    expect((await send(clock, d, body({ messages: [{ role: "user", content: "hi" }], max_tokens: 5 }))).status).toBe(200);
  });

  it("a provisioned deployment is back under 100% within one minute after its largest possible request", async () => {
    const clock = new VirtualClock();
    const ptu = new SimulatedDeployment({ ...spec, provisioned: true, rpmPerUnit: 1e9, requestLimits: catalog.requestLimits("gpt-4.1-mini", "2025-04-14", "GlobalProvisionedManaged")! }, clock, new Rng(1));
    // 120,000 prompt tokens + 5 output: within the 128 K PTU window, 2.4 minutes of this deployment's 50 K TPM.
    const big = body({ messages: [{ role: "user", content: "x".repeat(4 * 120_000) }], max_tokens: 5 });
    expect((await send(clock, ptu, big)).status).toBe(200);
    const t = clock.now();
    expect(ptu.utilisation.utilisation(t, 50_000)).toBeLessThanOrEqual(1);
    expect(ptu.utilisation.msUntilBelowFull(t, 50_000)).toBe(0);
    expect((await send(clock, ptu, body({ messages: [{ role: "user", content: "hi" }], max_tokens: 5 }))).status).toBe(200);
  });
});
