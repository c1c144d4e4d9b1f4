export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  /**
   * Stores the message for delivery (committed when this resolves, so before the HTTP answer:
   * Better Auth awaits its send callbacks). Delivery happens later, in the mail worker.
   */
  send(message: MailMessage): Promise<void>;
}

/** The CLI's mailer: its commands send no mail, and anything they did would be kept here. */
export function createOutboxMailer() {
  const outbox: (MailMessage & { sentAt: Date })[] = [];
  const mailer: Mailer & { outbox: typeof outbox } = {
    outbox,
    async send(message) {
      outbox.unshift({ ...message, sentAt: new Date() });
    },
  };
  return mailer;
}
