import type { RouterOutputs } from "./index.js";

/** Who is signed in, as keyway tells clients: never the token. */
export type Session = NonNullable<RouterOutputs["session"]["get"]>;
export type SessionListener = (session: Session | null) => void;

/**
 * Tells listeners when the signed-in session changes: after sign-in, sign-out and the other
 * Better Auth calls that can change it, and when a call is refused because it expired.
 */
export class SessionEvents {
  private readonly listeners = new Set<SessionListener>();
  /** `${user}:${session}` of the last session reported; undefined before the first check. */
  private current: string | null | undefined;

  constructor(private readonly read: () => Promise<Session | null>) {}

  get watched() {
    return this.listeners.size > 0;
  }

  subscribe(listener: SessionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async refresh(): Promise<Session | null> {
    const session = await this.read();
    this.report(session);
    return session;
  }

  report(session: Session | null) {
    const key = session ? `${session.user.id}:${session.session.id}` : null;
    if (key === this.current) return;
    this.current = key;
    for (const listener of this.listeners) listener(session);
  }
}

const authPath = /\/api\/auth\//;

/** Wraps fetch so that responses which may change the session make `events` check it. */
export function watchSession(baseFetch: typeof fetch, events: SessionEvents): typeof fetch {
  return async (input, init) => {
    const response = await baseFetch(input, init);
    if (!events.watched) return response;
    const url = input instanceof Request ? input.url : String(input);
    const method = (init?.method ?? (input instanceof Request ? input.method : "GET")).toUpperCase();
    const mayChange = authPath.test(url) ? method === "POST" : response.status === 401;
    if (mayChange) await events.refresh().catch(() => undefined);
    return response;
  };
}
