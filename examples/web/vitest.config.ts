import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Run from the repository root (`npm run test:web`): the API is started from there.
const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

export default defineConfig({
  test: {
    root: repoRoot,
    include: ["examples/web/tests/**/*.test.ts"],
    // One API and one built app for the whole run; each file its own Chromium.
    globalSetup: ["examples/web/tests/helpers/stack.ts"],
    testTimeout: 90_000,
    // Mail, notifications and sweeps happen on the server's own time: a busy machine needs more than 1 s.
    expect: { poll: { timeout: 20_000 } },
    hookTimeout: 180_000,
    pool: "forks",
    // Two cores: one browser at a time.
    fileParallelism: false,
  },
});
