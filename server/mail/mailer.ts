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

export interface Outbox {
  outbox: (MailMessage & { sentAt: Date })[];
}

const OUTBOX_SIZE = 100;

/** Development delivery: every message is logged and kept in memory for the dev outbox. */
export function createOutboxMailer(log: (message: MailMessage) => void = () => {}) {
  const outbox: Outbox["outbox"] = [];
  const mailer: Mailer & Outbox = {
    outbox,
    async send(message) {
      outbox.unshift({ ...message, sentAt: new Date() });
      outbox.length = Math.min(outbox.length, OUTBOX_SIZE);
      log(message);
    },
  };
  return mailer;
}
