import * as fs from "node:fs";
import * as path from "node:path";
import { planDocument } from "../runner";
import { definePlanStep } from "../steps";

/** Writes `out/<stack>/plan.json` (stack, resources, warnings, plus sections other steps added). */
export const writePlanJsonStep = definePlanStep({
  name: "write-plan-json",
  order: 1000,
  run({ plan, outDir, planJsonExtras, warnings, print }) {
    const file = path.join(outDir, "plan.json");
    fs.writeFileSync(file, `${JSON.stringify(planDocument({ ...plan, warnings }, planJsonExtras), null, 2)}\n`);
    print(`Wrote ${path.relative(process.cwd(), file) || file}`);
  },
});
