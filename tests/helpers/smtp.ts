import { once } from "node:events";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface ReceivedMail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** A real SMTP server on loopback: the service talks SMTP to it, the test reads what arrived. */
export async function startSmtpServer({ failFirst = 0 }: { failFirst?: number } = {}) {
  const inbox: ReceivedMail[] = [];
  let refusals = 0;
  const waiters: (() => void)[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    onAuth(auth, _session, callback) {
      callback(null, { user: auth.username });
    },
    onData(stream, session, callback) {
      if (refusals < failFirst) {
        refusals++;
        stream.resume();
        stream.on("end", () => callback(Object.assign(new Error("mailbox busy, try later"), { responseCode: 451 })));
        return;
      }
      simpleParser(stream)
        .then((mail: ParsedMail) => {
          for (const recipient of session.envelope.rcptTo) {
            inbox.push({ to: recipient.address, subject: mail.subject ?? "", text: mail.text ?? "", html: String(mail.html ?? "") });
          }
          for (const wake of waiters.splice(0)) wake();
          callback();
        })
        .catch(callback);
    },
  });
  server.listen(0, "127.0.0.1");
  await once(server.server, "listening");
  const { port } = server.server.address() as { port: number };

  return {
    url: `smtp://keyway:secret@127.0.0.1:${port}`,
    inbox,
    /** The newest message to `to` (whose subject matches), waiting for it to arrive. */
    async waitFor(to: string, subject?: RegExp, timeoutMs = 10_000): Promise<ReceivedMail> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = [...inbox].reverse().find((mail) => mail.to === to.toLowerCase() && (!subject || subject.test(mail.subject)));
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no mail to ${to} matching ${subject}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 200);
        });
      }
    },
    refusals: () => refusals,
    count: (to: string) => inbox.filter((mail) => mail.to === to.toLowerCase()).length,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The first link in a message's text. */
export function linkIn(mail: ReceivedMail): string {
  const match = /https?:\/\/\S+/.exec(mail.text);
  if (!match) throw new Error(`no link in "${mail.subject}"`);
  return match[0];
}

export function codeIn(mail: ReceivedMail): string {
  const match = /Code: (\S+)/.exec(mail.text);
  if (!match) throw new Error(`no code in "${mail.subject}"`);
  return match[1]!;
}
