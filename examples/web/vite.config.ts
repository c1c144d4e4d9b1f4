import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The app is served from its own origin (5173), the API from another (3000): as a frontend
// team deploys it. The API's TRUSTED_ORIGINS must list this app's origin.
export default defineConfig({
  plugins: [react()],
  server: { host: "localhost", port: 5173, strictPort: true },
  preview: { host: "localhost", port: 5173, strictPort: true },
});
