import type { FastifyBaseLogger, FastifyPluginAsync } from "fastify";
import type { SmsMessage, SmsSender } from "./sender.js";

const OUTBOX_SIZE = 100;

export interface SmsOutbox extends SmsSender {
  /** Newest first. */
  messages(to?: string): (SmsMessage & { sentAt: Date })[];
}

/** Messages kept in this process's memory, for development without an SMS provider. */
export function createSmsOutbox(log: FastifyBaseLogger): SmsOutbox {
  const kept: (SmsMessage & { sentAt: Date })[] = [];
  return {
    async send(message) {
      kept.unshift({ ...message, sentAt: new Date() });
      kept.length = Math.min(kept.length, OUTBOX_SIZE);
      log.info("sms kept in the development outbox");
    },
    messages: (to) => kept.filter((message) => !to || message.to === to),
  };
}

/**
 * Development only (never registered otherwise): the SMS keyway would have sent, newest first,
 * so a newcomer can sign in by phone without an SMS provider.
 */
export const devSmsOutbox: FastifyPluginAsync<{ outbox: SmsOutbox }> = async (app, { outbox }) => {
  app.get("/api/dev/sms-outbox", async (request) => {
    const { to } = request.query as { to?: string };
    return { messages: outbox.messages(to) };
  });
};
