import type { BetterAuthError, KeywayAuth } from "./auth-types.js";
import { KeywayRequestError } from "./errors.js";

type Result = { data: unknown; error: unknown };

const isResult = (value: unknown): value is Result => typeof value === "object" && value !== null && "data" in value && "error" in value;

/** Better Auth's `{ data, error }` with `error` as a KeywayError (code from the body, else the status' name). */
function normalize(result: unknown): unknown {
  if (!isResult(result) || !result.error || result.error instanceof KeywayRequestError) return result;
  const error = result.error as { code?: string; status: number; statusText?: string; message?: string };
  return { ...result, error: new KeywayRequestError(error) };
}

/**
 * Better Auth's client whose every call answers `{ data, error }`, `error` a KeywayError:
 * a refused call, and a server not reached, which Better Auth would throw (the transport
 * throws a KeywayError for it, see `reportNetworkErrors`). Anything else thrown is thrown.
 */
export function withKeywayErrors(client: KeywayAuth<BetterAuthError>): KeywayAuth {
  const wrapped = new WeakMap<object, unknown>();
  const wrap = (target: object): unknown => {
    if (!wrapped.has(target)) {
      wrapped.set(
        target,
        new Proxy(target, {
          get(object, key) {
            const value: unknown = Reflect.get(object, key);
            return (typeof value === "function" || typeof value === "object") && value !== null ? wrap(value) : value;
          },
          apply(call, self, args) {
            const result: unknown = Reflect.apply(call as (...args: unknown[]) => unknown, self, args);
            if (!(result instanceof Promise)) return result;
            return result.then(normalize, (cause: unknown) => {
              if (cause instanceof KeywayRequestError) return { data: null, error: cause };
              throw cause;
            });
          },
        }),
      );
    }
    return wrapped.get(target);
  };
  return wrap(client) as KeywayAuth;
}
