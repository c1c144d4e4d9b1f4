import react from "@vitejs/plugin-react";
import { defineConfig, type PluginOption } from "vite";

// The app is served from its own origin (5173), the API from another (3000): as a frontend
// team deploys it. The API's TRUSTED_ORIGINS must list this app's origin.
export default defineConfig({
  // npm hoists @vitejs/plugin-react next to the root's Vite 8 (vitest's), so its types name
  // that Vite; at run time it is handed this app's Vite 7, which its peer range includes.
  plugins: [react() as unknown as PluginOption],
  server: { host: "localhost", port: 5173, strictPort: true },
  preview: { host: "localhost", port: 5173, strictPort: true },
});
