import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { errorBody, sendError } from "./error-body.js";
import { isDependencyFailure } from "./errors.js";

/**
 * What Fastify answers by itself (an unknown route, a body it refuses, a URL it cannot route, a
 * request it cannot parse), in keyway's one error body instead of Fastify's
 * `{statusCode, error, message}`.
 */

/** Fastify's own refusals whose message is fixed text worth showing (none of them quotes the request). */
const FASTIFY_MESSAGES = /^FST_ERR_(CTP_|VALIDATION$)/;

export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (isDependencyFailure(error)) {
    request.log.warn({ err: error }, "dependency unavailable");
    return sendError(reply, 503);
  }
  const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
  if (status >= 500) {
    request.log.error({ err: error }, "request failed");
    return sendError(reply, status);
  }
  return sendError(reply, status, FASTIFY_MESSAGES.test(error.code ?? "") ? { message: error.message } : {});
}

export function notFoundHandler(_request: FastifyRequest, reply: FastifyReply) {
  return sendError(reply, 404, { message: "No such route" });
}

/** A URL Fastify cannot route: not valid (400), a segment too long (414); never quoted back. */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  void sendError(reply, error.statusCode ?? 400, error.code === "FST_ERR_BAD_URL" ? { message: "The URL is not valid" } : {});
}

/** A request Node's parser refused before Fastify saw it: written to the socket, as Fastify's default does. */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket) {
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  const status = error.code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408 : error.code === "HPE_HEADER_OVERFLOW" ? 431 : 400;
  const body = JSON.stringify(errorBody(status));
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(error);
}
