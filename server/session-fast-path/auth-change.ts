/** A change the database announces on the keyway_auth channel (see its triggers), or another instance's marker. */
export interface AuthChange {
  kind?: "session" | "user" | "marker" | string;
  token?: string;
  id?: string;
}

/** The announced change; an unreadable payload reads as one that names nothing. */
export function parseAuthChange(payload: string): AuthChange {
  try {
    return JSON.parse(payload) as AuthChange;
  } catch {
    return {};
  }
}
