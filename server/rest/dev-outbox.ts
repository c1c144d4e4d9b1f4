import type { FastifyPluginAsync } from "fastify";
import type { Db } from "../../db/client.js";
import { recentMail } from "../mail/outbox.js";

const OUTBOX_SIZE = 100;

/**
 * Development only (never registered otherwise): the mail keyway sent or is about to send,
 * newest first, read from the mail queue, so a newcomer can follow a verification link
 * without a mail server.
 */
export const devOutbox: FastifyPluginAsync<{ db: Db }> = async (app, { db }) => {
  app.get("/api/dev/outbox", async (request) => {
    const { to } = request.query as { to?: string };
    const messages = await recentMail(db, to?.toLowerCase(), OUTBOX_SIZE);
    return { messages: messages.map(({ to: recipient, subject, text, status, sentAt }) => ({ to: recipient, subject, text, status, sentAt })) };
  });
};
