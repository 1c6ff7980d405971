import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Pulumi's mock runtime keeps process-wide state: isolate each file in its own fork.
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
