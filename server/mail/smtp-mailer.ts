import nodemailer from "nodemailer";
import type SMTPTransport from "nodemailer/lib/smtp-transport/index.js";
import type { MailTransport } from "./worker.js";

/**
 * Delivery over SMTP (SMTP_URL). Each message carries its outbox id as Message-ID, so a
 * message that is ever sent twice (an instance dying between sending and recording it)
 * can be recognised downstream.
 */
export function smtpTransport(url: string, from: string): MailTransport {
  const transport = nodemailer.createTransport({
    url,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  } as SMTPTransport.Options);
  return async (mail, signal) => {
    const domain = /@([^>\s]+)/.exec(from)?.[1] ?? "keyway";
    await transport.sendMail({
      from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      messageId: `<${mail.id}@${domain}>`,
      signal,
    });
  };
}
