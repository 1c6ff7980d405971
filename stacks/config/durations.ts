// ISO-8601 durations as APIM writes them (PT1M, PT30S, P1D): the circuit breaker's interval and trip
// in `aoai-fleet:gateway.circuitBreaker`, read by the gateway design and the simulator alike.

/** Milliseconds of an ISO-8601 duration, or undefined when the text is not one. */
export function parseIsoDuration(value: string): number | undefined {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(value);
  if (!m || value === "P" || value.endsWith("T")) return undefined;
  const [, d, h, min, s] = m;
  return ((Number(d ?? 0) * 24 + Number(h ?? 0)) * 60 + Number(min ?? 0)) * 60_000 + Number(s ?? 0) * 1000;
}
