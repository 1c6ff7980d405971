import { definePlanStep } from "../steps";

/** Prints every warning with its config path (or says there are none). */
export const warningsStep = definePlanStep({
  name: "warnings",
  order: 30,
  run({ plan, print }) {
    if (plan.warnings.length === 0) {
      print("Warnings: none.");
      return;
    }
    print(`Warnings (${plan.warnings.length}):`);
    plan.warnings.forEach((w) => print(`  ! ${w.path}: ${w.message}`));
  },
});
