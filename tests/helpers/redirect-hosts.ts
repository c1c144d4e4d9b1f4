import { type Dispatcher, getGlobalDispatcher, setGlobalDispatcher } from "undici";

/**
 * Points HTTP requests for the given origins (e.g. https://api.github.com) at local stand-ins,
 * for this test process only, like an /etc/hosts entry: the code calling them is unchanged.
 */
export function redirectOrigins(map: Record<string, string>) {
  const original = getGlobalDispatcher();
  setGlobalDispatcher(
    original.compose((dispatch) => (options: Dispatcher.DispatchOptions, handler) => {
      const target = map[String(options.origin)];
      return dispatch(target ? { ...options, origin: target, headers: withoutHost(options.headers) } : options, handler);
    }),
  );
  return () => setGlobalDispatcher(original);
}

function withoutHost(headers: Dispatcher.DispatchOptions["headers"]) {
  if (!headers || Array.isArray(headers) || typeof (headers as Iterable<unknown>)[Symbol.iterator] === "function") return headers;
  const { host: _host, ...rest } = headers as Record<string, string>;
  return rest;
}
