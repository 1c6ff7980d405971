// Run in a fresh process by the routing suite: builds the emulator for our policy and times every
// request from the very first one (module loading excluded, JIT warm-up included), then prints them.
import { ourSetup } from "./fleet";
import { emulatorRequestTimes } from "./overhead";

const n = Number(process.argv[2] ?? 1000);
emulatorRequestTimes(ourSetup(true), n).then(
  (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
