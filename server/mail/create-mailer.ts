import type { FastifyBaseLogger } from "fastify";
import type { Db } from "../../db/client.js";
import type { Config } from "../config.js";
import { DependencyUnavailableError, isDependencyFailure } from "../http/errors.js";
import type { Mailer } from "./mailer.js";
import { enqueueMail } from "./outbox.js";
import { smtpTransport } from "./smtp-mailer.js";
import { type MailTransport, type MailWorker, startMailWorker } from "./worker.js";

export interface MailDelivery {
  mailer: Mailer;
  /** Absent when mail is disabled. */
  worker?: MailWorker;
}

/**
 * Mail goes through the durable outbox (`mail_outbox`) and this instance's worker: to SMTP
 * when SMTP_URL is set, otherwise (development, tests) into the development outbox, where
 * GET /api/dev/outbox reads it. MAIL_DISABLED drops every message.
 */
export function createMailDelivery(config: Config, db: Db, log: FastifyBaseLogger): MailDelivery {
  if (config.mail.disabled) {
    return {
      mailer: {
        async send({ subject }) {
          log.info({ subject }, "mail dropped: MAIL_DISABLED is set");
        },
      },
    };
  }
  const transport: MailTransport = config.mail.smtpUrl
    ? smtpTransport(config.mail.smtpUrl, config.mail.from)
    : async (mail) => log.info({ mailId: mail.id, to: mail.to, subject: mail.subject }, "mail kept in the development outbox");
  const { maxAttempts, retryBaseSeconds, retryMaxSeconds, sendTimeoutSeconds } = config.mail;
  const worker = startMailWorker({ db, transport, log, maxAttempts, retryBaseSeconds, retryMaxSeconds, sendTimeoutSeconds });
  return {
    mailer: {
      async send(message) {
        try {
          await enqueueMail(db, message);
        } catch (error) {
          // The driver's error quotes the statement's parameters, the link or code among them:
          // neither it nor its cause may reach a log line (Better Auth logs what a callback throws).
          const code = (error as { cause?: { code?: unknown } }).cause?.code;
          log.error({ code, subject: message.subject }, "mail not queued");
          throw isDependencyFailure(error) ? new DependencyUnavailableError(undefined) : new Error("mail could not be queued");
        }
        worker.wake();
      },
    },
    worker,
  };
}
