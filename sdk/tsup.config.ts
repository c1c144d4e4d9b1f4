import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts" },
  format: ["esm", "cjs"],
  platform: "neutral",
  target: "es2022",
  clean: true,
  // The peers are shared with the app; everything else (Better Auth's client, the cookie jar) is bundled.
  external: ["@trpc/client", "@trpc/server", "superjson"],
  noExternal: [/^better-auth/, /^@better-auth\//, "fetch-cookie", "tough-cookie", "jose"],
  dts: false,
});
