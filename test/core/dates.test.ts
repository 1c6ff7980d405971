// --today and AOAI_FLEET_TODAY take real calendar dates only: Date.parse rolls 2026-02-30 into March,
// which would judge retirements against a day nobody asked for.
import { describe, expect, it } from "vitest";
import { main } from "../../cli/main";
import { calendarDate } from "../../core/plan/dates";
import { todayFromEnvironment } from "../../stacks/program";

describe("calendar dates", () => {
  it("accepts real dates and refuses impossible or malformed ones", () => {
    for (const ok of ["2026-02-28", "2028-02-29", "2026-12-31", "2026-01-01"]) expect([ok, calendarDate(ok)?.toISOString()]).toEqual([ok, `${ok}T00:00:00.000Z`]);
    for (const bad of ["2026-02-30", "2027-02-29", "2026-04-31", "2026-13-01", "2026-00-10", "2026-1-1", "26-01-01", "2026-01-01T00:00:00Z", ""]) expect([bad, calendarDate(bad)]).toEqual([bad, undefined]);
  });

  it("plan and catalog refuse --today 2026-02-30 with exit 2; AOAI_FLEET_TODAY too", async () => {
    const errors: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array) => (errors.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      expect(await main(["plan", "dev", "--today", "2026-02-30", "--out", "/tmp/aoai-dates-test"])).toBe(2);
      expect(await main(["catalog", "list", "--today", "2026-02-30"])).toBe(2);
    } finally {
      process.stderr.write = write;
      process.exitCode = undefined;
    }
    expect(errors.join("")).toContain('--today "2026-02-30" is not a YYYY-MM-DD date');
    expect(() => todayFromEnvironment({ AOAI_FLEET_TODAY: "2026-02-30" })).toThrow('AOAI_FLEET_TODAY="2026-02-30" is not a YYYY-MM-DD date');
  });
});
