import type { FastifyPluginAsync } from "fastify";
import type { Mailer, Outbox } from "../mail/mailer.js";

/**
 * Development only (never registered otherwise): the mail keyway would have sent, newest
 * first, so a newcomer can follow a verification link without a mail server.
 */
export const devOutbox: FastifyPluginAsync<{ mailer: Mailer & Partial<Outbox> }> = async (app, { mailer }) => {
  app.get("/api/dev/outbox", async (request) => {
    const { to } = request.query as { to?: string };
    const messages = (mailer.outbox ?? []).filter((message) => !to || message.to === to.toLowerCase());
    return { messages: messages.map(({ to: recipient, subject, text, sentAt }) => ({ to: recipient, subject, text, sentAt })) };
  });
};
