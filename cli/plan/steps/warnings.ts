import { definePlanStep } from "../steps";

/** Prints every warning with its config path (or says there are none); after the gateway step, which adds its own. */
export const warningsStep = definePlanStep({
  name: "warnings",
  order: 35,
  run({ warnings, print }) {
    if (warnings.length === 0) {
      print("Warnings: none.");
      return;
    }
    print(`Warnings (${warnings.length}):`);
    warnings.forEach((w) => print(`  ! ${w.path}: ${w.message}`));
  },
});
