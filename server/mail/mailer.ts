export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  /** Queues a message; never throws into the caller's request. */
  send(message: MailMessage): Promise<void>;
}

/** Development delivery: every message is logged and kept in memory for the dev outbox. */
export function createOutboxMailer(log: (message: MailMessage) => void = () => {}) {
  const outbox: (MailMessage & { sentAt: Date })[] = [];
  const mailer: Mailer & { outbox: typeof outbox } = {
    outbox,
    async send(message) {
      outbox.push({ ...message, sentAt: new Date() });
      log(message);
    },
  };
  return mailer;
}
