import { QueryClient, QueryClientProvider, useQuery } from "@tanstack/react-query";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import { createContext, type ReactNode, useContext, useEffect, useState } from "react";
import type { KeywayClient, Session } from "./index.js";
import type { AppRouter } from "./router-types.js";

const trpc = createTRPCContext<AppRouter>();
/** `useTRPC().projects.list.queryOptions({...})` and friends, for TanStack Query's hooks. */
export const useTRPC = trpc.useTRPC;

const KeywayContext = createContext<KeywayClient | null>(null);
const SESSION_KEY = ["keyway", "session"] as const;

export interface KeywayProviderProps {
  client: KeywayClient;
  /** Your app's QueryClient, if it has one; otherwise the provider makes its own. */
  queryClient?: QueryClient;
  children: ReactNode;
}

/**
 * Makes the client, tRPC's query options and the session available below it. When the
 * signed-in user changes (sign-out, expiry, another account) every cached query of the
 * previous user is dropped.
 */
export function KeywayProvider({ client, queryClient, children }: KeywayProviderProps) {
  const [ownQueryClient] = useState(() => queryClient ?? new QueryClient());
  const queries = queryClient ?? ownQueryClient;

  useEffect(
    () =>
      client.onSessionChange((session) => {
        const previous = queries.getQueryData<Session | null>(SESSION_KEY);
        queries.setQueryData(SESSION_KEY, session);
        if (previous !== undefined && previous?.user.id !== session?.user.id) {
          queries.removeQueries({ predicate: (query) => query.queryKey[0] !== SESSION_KEY[0] });
        }
      }),
    [client, queries],
  );

  return (
    <QueryClientProvider client={queries}>
      <trpc.TRPCProvider trpcClient={client.api} queryClient={queries}>
        <KeywayContext.Provider value={client}>{children}</KeywayContext.Provider>
      </trpc.TRPCProvider>
    </QueryClientProvider>
  );
}

/** The client given to `KeywayProvider`. */
export function useKeyway(): KeywayClient {
  const client = useContext(KeywayContext);
  if (!client) throw new Error("useKeyway() and useSession() need a <KeywayProvider> above them");
  return client;
}

/**
 * The three states a route guard must handle. `signed-out` carries the error when the
 * server could not be asked: nobody is treated as signed in without the server's word.
 */
export type SessionState =
  | { status: "pending" }
  | { status: "signed-in"; user: Session["user"]; session: Session["session"] }
  | { status: "signed-out"; error: Error | null };

export function useSession(): SessionState & { refetch: () => Promise<unknown> } {
  const client = useKeyway();
  const query = useQuery({ queryKey: SESSION_KEY, queryFn: () => client.getSession(), staleTime: 30_000 });
  const refetch = () => query.refetch();
  if (query.isPending) return { status: "pending", refetch };
  if (query.data) return { status: "signed-in", user: query.data.user, session: query.data.session, refetch };
  return { status: "signed-out", error: query.error, refetch };
}
