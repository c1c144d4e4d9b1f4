import { DependencyUnavailableError, isDependencyFailure } from "../http/errors.js";
import type { Auth, AuthSession } from "./auth.js";

export interface SessionRead {
  session: AuthSession | null;
  /** Cookies Better Auth wants refreshed (sliding expiry); forward them on the response. */
  setCookies: string[];
}

/** The one way our routes learn who is calling: Better Auth's own getSession. */
export async function readSession(auth: Auth, headers: Headers): Promise<SessionRead> {
  if (!headers.has("cookie")) return { session: null, setCookies: [] };
  try {
    const result = await auth.api.getSession({ headers, returnHeaders: true });
    return { session: result.response, setCookies: result.headers.getSetCookie() };
  } catch (error) {
    if (isDependencyFailure(error)) throw new DependencyUnavailableError(error);
    throw error;
  }
}
