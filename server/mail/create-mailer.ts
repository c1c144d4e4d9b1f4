import type { FastifyBaseLogger } from "fastify";
import type { Config } from "../config.js";
import { createOutboxMailer, type Mailer, type Outbox } from "./mailer.js";
import { createSmtpMailer } from "./smtp-mailer.js";

/** SMTP when SMTP_URL is set; otherwise the development outbox (logged, kept in memory). */
export function createMailer(config: Config, log: FastifyBaseLogger): Mailer & Partial<Outbox> {
  if (config.mail.smtpUrl) return createSmtpMailer({ url: config.mail.smtpUrl, from: config.mail.from, log });
  return createOutboxMailer((message) =>
    log.info({ to: message.to, subject: message.subject, text: message.text }, "mail kept in the development outbox"),
  );
}
