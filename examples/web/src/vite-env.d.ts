/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Where the keyway API is served (default http://localhost:3000). */
  readonly VITE_KEYWAY_URL?: string;
  /** Sign-in providers configured on the API, as buttons: comma list of "github", "google", "oidc" (default "github"). */
  readonly VITE_SIGN_IN_PROVIDERS?: string;
}
