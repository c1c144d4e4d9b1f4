/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Where the keyway API is served (default http://localhost:3000). */
  readonly VITE_KEYWAY_URL?: string;
}
