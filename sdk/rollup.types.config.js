import { dts } from "rollup-plugin-dts";

/**
 * The SDK's declarations, one file per entry and module format. @trpc/client's own declarations
 * import its WebSocket link and through it `ws`'s types, which a consumer compiling with
 * `skipLibCheck: false` would then check against @types/ws: the client's and the React
 * adapter's types are inlined here instead (only what the SDK's API reaches), so the output
 * imports nothing but @trpc/server's core, React and TanStack Query.
 */
const shared = /^(@trpc\/server|react|@tanstack\/react-query)($|\/)/;

export default ["d.ts", "d.cts"].map((extension) => ({
  input: { index: "src/index.ts", react: "src/react.tsx" },
  output: { dir: "dist", entryFileNames: `[name].${extension}`, chunkFileNames: `[name]-[hash].${extension}` },
  external: (id) => shared.test(id),
  plugins: [dts({ respectExternal: true, tsconfig: "../tsconfig.json" })],
}));
