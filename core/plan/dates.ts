/** Calendar-day arithmetic on YYYY-MM-DD strings in UTC (retirement checks compare dates, not times). */

export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** UTC midnight of a real calendar date written YYYY-MM-DD; undefined otherwise (`2026-02-30`: Date.parse would roll it into March). */
export function calendarDate(text: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return undefined;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && isoDate(date) === text ? date : undefined;
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
