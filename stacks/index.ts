/**
 * Pulumi entry point (Pulumi.yaml `main: stacks/`). Pulumi calls the exported function and turns
 * its result into stack outputs. `npm run plan -- <stack>` runs this same export under mocks.
 */
import { fleetProgram, todayFromEnvironment } from "./program";

export = async () => fleetProgram({ today: todayFromEnvironment() });
