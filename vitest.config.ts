import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Tests start real servers on port 0; two workers match the CI machine.
    pool: "forks",
    maxWorkers: 2,
  },
});
