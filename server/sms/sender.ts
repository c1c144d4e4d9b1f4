import type { FastifyBaseLogger } from "fastify";
import type { Config } from "../config.js";
import { createSmsOutbox, type SmsOutbox } from "./dev-outbox.js";
import { twilioSender } from "./twilio.js";

export interface SmsMessage {
  /** E.164, e.g. +14155550123. */
  to: string;
  body: string;
}

export interface SmsSender {
  /** Resolves once the provider has accepted the message; rejects (a 503 for the caller) otherwise. */
  send(message: SmsMessage): Promise<void>;
}

export interface SmsDelivery {
  sender: SmsSender;
  /** Present when messages stay on this instance (nothing configured): GET /api/dev/sms-outbox reads it. */
  outbox?: SmsOutbox;
}

/** Twilio when TWILIO_* is set; otherwise the development outbox. */
export function createSmsDelivery(config: Config, log: FastifyBaseLogger): SmsDelivery {
  if (config.phone.twilio) return { sender: twilioSender(config.phone.twilio, log) };
  const outbox = createSmsOutbox(log);
  return { sender: outbox, outbox };
}
