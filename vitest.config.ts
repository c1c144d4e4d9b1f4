import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    // The packed-SDK installs run on their own: `npm run test:packages`.
    exclude: [...configDefaults.exclude, "tests/packaging/**"],
    testTimeout: 60_000,
    // Mail, notifications and sweeps happen on the server's own time: a busy machine needs more than 1 s.
    expect: { poll: { timeout: 20_000 } },
    hookTimeout: 120_000,
    pool: "forks",
    maxWorkers: 2,
  },
});
