import nodemailer from "nodemailer";
import type SMTPTransport from "nodemailer/lib/smtp-transport/index.js";
import type { MailMessage, Mailer } from "./mailer.js";

export interface SmtpMailerOptions {
  url: string;
  from: string;
  attempts?: number;
  log: { warn(details: object, message: string): void; error(details: object, message: string): void };
}

/**
 * Real delivery over SMTP. `send` only queues: the HTTP answer never waits for the mail
 * server, so it looks the same whether the address exists or not. A failed send is retried
 * with backoff a bounded number of times, then logged.
 */
export function createSmtpMailer({ url, from, attempts = 4, log }: SmtpMailerOptions): Mailer & { idle(): Promise<void> } {
  const transport = nodemailer.createTransport({ url, connectionTimeout: 10_000, socketTimeout: 20_000 } as SMTPTransport.Options);
  const pending = new Set<Promise<void>>();

  const deliver = async (message: MailMessage) => {
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        await transport.sendMail({ from, to: message.to, subject: message.subject, text: message.text, html: message.html });
        return;
      } catch (error) {
        const last = attempt === attempts;
        (last ? log.error : log.warn)({ err: error, subject: message.subject, attempt }, last ? "mail not delivered" : "mail delivery failed, retrying");
        if (!last) await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** (attempt - 1)));
      }
    }
  };

  return {
    async send(message) {
      const job = deliver(message).finally(() => pending.delete(job));
      pending.add(job);
    },
    /** Resolves when everything queued so far has been delivered or given up. */
    async idle() {
      await Promise.all([...pending]);
    },
  };
}
