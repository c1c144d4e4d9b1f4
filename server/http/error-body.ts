import type { FastifyReply } from "fastify";

/**
 * The one error body of keyway's REST routes and of Fastify itself (unknown route, refused body,
 * malformed JSON): Better Auth's keys, so that outside /trpc a client reads one shape. `code` is
 * stable UPPER_SNAKE (the access decision's own codes, else the status' name as tRPC spells it);
 * `message` is for people and never carries a stack, SQL or a driver's text.
 */
export interface ErrorBody {
  code: string;
  message: string;
}

const BY_STATUS: Record<number, ErrorBody> = {
  400: { code: "BAD_REQUEST", message: "The request is malformed" },
  401: { code: "UNAUTHORIZED", message: "Sign in to continue" },
  403: { code: "FORBIDDEN", message: "Not allowed" },
  404: { code: "NOT_FOUND", message: "Not found" },
  408: { code: "TIMEOUT", message: "The request took too long to arrive" },
  413: { code: "PAYLOAD_TOO_LARGE", message: "Request body is too large" },
  414: { code: "URI_TOO_LONG", message: "The URL is too long" },
  415: { code: "UNSUPPORTED_MEDIA_TYPE", message: "Unsupported Media Type" },
  429: { code: "TOO_MANY_REQUESTS", message: "Too many requests, try again later" },
  431: { code: "REQUEST_HEADER_FIELDS_TOO_LARGE", message: "Exceeded maximum allowed HTTP header size" },
  500: { code: "INTERNAL_SERVER_ERROR", message: "Internal server error" },
  503: { code: "SERVICE_UNAVAILABLE", message: "Service temporarily unavailable, try again shortly" },
};

/** The body for `status`, with the status' own code and message unless given others. */
export function errorBody(status: number, override: Partial<ErrorBody> = {}): ErrorBody {
  const base = BY_STATUS[status] ?? (status >= 500 ? BY_STATUS[500]! : BY_STATUS[400]!);
  return { code: override.code ?? base.code, message: override.message ?? base.message };
}

/** Answers `status` with the error body; a 503 also says when to retry. */
export function sendError(reply: FastifyReply, status: number, override?: Partial<ErrorBody>) {
  if (status === 503) reply.header("retry-after", "5");
  return reply.code(status).send(errorBody(status, override));
}
