import { useMutation } from "@tanstack/react-query";

/**
 * One user action at a time, as a TanStack Query mutation: `isPending` while it runs and
 * `error` once it has failed (cleared when the next one starts).
 */
export const useAction = () => useMutation({ mutationFn: (action: () => Promise<void>) => action() });
