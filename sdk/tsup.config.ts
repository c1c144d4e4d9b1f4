import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts", react: "src/react.tsx" },
  format: ["esm", "cjs"],
  platform: "neutral",
  target: "es2022",
  clean: true,
  // The peers are shared with the app; everything else (Better Auth's client, the cookie jar) is bundled.
  external: ["@trpc/client", "@trpc/server", "superjson", "react", "@tanstack/react-query", "@trpc/tanstack-react-query"],
  noExternal: [/^better-auth/, /^@better-auth\//, "fetch-cookie", "tough-cookie", "jose"],
  // One declaration file per entry that imports only the peers: tough-cookie's types are inlined.
  dts: { resolve: ["tough-cookie"] },
});
