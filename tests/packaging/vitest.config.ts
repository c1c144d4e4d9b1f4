import { defineConfig } from "vitest/config";

// `npm run test:packages`: the packed SDK installed from the registry into scratch projects.
export default defineConfig({
  test: {
    include: ["tests/packaging/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 900_000,
    pool: "forks",
    maxWorkers: 1,
  },
});
