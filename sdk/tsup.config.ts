import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts", react: "src/react.tsx" },
  format: ["esm", "cjs"],
  platform: "neutral",
  target: "es2022",
  clean: true,
  // The SDK's dependencies (tRPC's client, superjson, TanStack Query) and the app's React stay
  // shared; Better Auth's client, the cookie jar and tRPC's React adapter are bundled. The
  // declarations are bundled by rollup.types.config.js.
  external: ["@trpc/client", "@trpc/server", "superjson", "react", "@tanstack/react-query"],
  noExternal: [/^better-auth/, /^@better-auth\//, "fetch-cookie", "tough-cookie", "jose", "@trpc/tanstack-react-query"],
});
