import { createClient } from "@keyway/sdk";
import { withCaptchaToken } from "./components/CaptchaWidget";

/** Where the API is served: its own origin, which lists this app's origin in TRUSTED_ORIGINS. */
export const apiUrl = import.meta.env.VITE_KEYWAY_URL ?? "http://localhost:3000";

/** The one client of the app: in a browser it lets the browser keep the (HttpOnly) session cookie. */
export const keyway = createClient({ baseUrl: apiUrl, fetch: withCaptchaToken() });

/** The button labels of the sign-in providers GET /api/auth-config can name. */
export const providerLabels: Record<string, string> = { github: "GitHub", google: "Google", oidc: "single sign-on" };
