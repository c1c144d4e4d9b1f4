import type { FastifyRequest } from "fastify";

const REDACTED = "[redacted]";
/** Path segments that are themselves a secret: Better Auth's reset-password link carries its token there. */
const SECRET_SEGMENT = /(\/reset-password\/)[^/?#]+/g;
/** A query parameter's name is kept when it looks like one (`?<token>` alone is a value). */
const PLAIN_NAME = /^[\w.-]{1,64}$/;

/** A request URL fit for a log line: every query value and every secret path segment replaced. */
function redactedUrl(url: string): string {
  const queryAt = url.indexOf("?");
  const path = (queryAt === -1 ? url : url.slice(0, queryAt)).replace(SECRET_SEGMENT, `$1${REDACTED}`);
  if (queryAt === -1) return path;
  const params = url
    .slice(queryAt + 1)
    .split("&")
    .filter(Boolean)
    .map((pair) => pair.split("=", 1)[0]!)
    .map((name) => `${PLAIN_NAME.test(name) ? name : REDACTED}=${REDACTED}`);
  return `${path}?${params.join("&")}`;
}

/** Fastify's own request serializer, with the URL redacted. */
export function logRequest(request: FastifyRequest) {
  return {
    method: request.method,
    url: redactedUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}
