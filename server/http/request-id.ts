import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";

export const REQUEST_ID_HEADER = "x-request-id";
/** What a request id from a proxy may look like: short, and nothing a log line could be forged with. */
const ACCEPTABLE = /^[\w.:@-]{1,128}$/;

/**
 * Fastify's genReqId: the proxy's x-request-id when the proxy is trusted and the id is
 * acceptable, else a new UUID.
 */
export function requestIdGenerator(trustProxy: boolean) {
  return (request: IncomingMessage) => {
    const sent = trustProxy ? request.headers[REQUEST_ID_HEADER] : undefined;
    return typeof sent === "string" && ACCEPTABLE.test(sent) ? sent : randomUUID();
  };
}
