// `--today <YYYY-MM-DD>`, shared by the commands that judge retirements against a day.
import { calendarDate } from "../core/plan/dates";
import { CliError } from "./registry";

/** The option's date (UTC midnight), undefined when not given; exit 2 when it is not a real calendar date. */
export function todayOption(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = calendarDate(value);
  if (date === undefined) throw new CliError(`--today "${value}" is not a YYYY-MM-DD date`, 2);
  return date;
}
