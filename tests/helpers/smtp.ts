import { once } from "node:events";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer, type SMTPServerOptions } from "smtp-server";
import { freePort } from "./server-process.js";

export interface ReceivedMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
}

/**
 * How the server behaves: `accept` takes every message; `closed` listens on nothing (the port
 * refuses connections); `reject-auth` answers every login with 535; `bad-tls` offers STARTTLS
 * with smtp-server's built-in self-signed certificate, which a client that checks refuses.
 */
export type SmtpMode = "accept" | "closed" | "reject-auth" | "bad-tls";

/** A real SMTP server on loopback: the service talks SMTP to it, the test reads what arrived. */
export async function startSmtpServer({ failFirst = 0, mode: initialMode = "accept" }: { failFirst?: number; mode?: SmtpMode } = {}) {
  const inbox: ReceivedMail[] = [];
  let refusals = 0;
  const waiters: (() => void)[] = [];
  let hold: { reached: () => void; released: Promise<void> } | undefined;
  const port = await freePort();

  const options = (mode: SmtpMode): SMTPServerOptions => ({
    authOptional: true,
    // Switching modes closes the server: end its connections at once, not after 30 s.
    closeTimeout: 100,
    disabledCommands: mode === "bad-tls" ? [] : ["STARTTLS"],
    onAuth(auth, _session, callback) {
      if (mode === "reject-auth") return callback(new Error("Invalid username or password"));
      callback(null, { user: auth.username });
    },
    onData(stream, session, callback) {
      if (refusals < failFirst) {
        refusals++;
        stream.resume();
        stream.on("end", () => callback(Object.assign(new Error("mailbox busy, try later"), { responseCode: 451 })));
        return;
      }
      const held = hold;
      hold = undefined;
      held?.reached();
      Promise.all([simpleParser(stream), held?.released])
        .then(([mail]: [ParsedMail, unknown]) => {
          for (const recipient of session.envelope.rcptTo) {
            const messageId = mail.messageId ?? "";
            inbox.push({ to: recipient.address, subject: mail.subject ?? "", text: mail.text ?? "", html: String(mail.html ?? ""), messageId });
          }
          for (const wake of waiters.splice(0)) wake();
          callback();
        })
        .catch(callback);
    },
  });

  let server: SMTPServer | undefined;
  const listen = async (mode: SmtpMode) => {
    if (mode === "closed") return;
    server = new SMTPServer(options(mode));
    server.on("error", () => {});
    server.listen(port, "127.0.0.1");
    await once(server.server, "listening");
  };
  const close = async () => {
    const current = server;
    server = undefined;
    if (current) await new Promise<void>((resolve) => current.close(() => resolve()));
  };
  await listen(initialMode);

  return {
    url: `smtp://keyway:secret@127.0.0.1:${port}`,
    inbox,
    /** Switches behaviour on the same port (SMTP_URL stays valid). */
    async setMode(mode: SmtpMode) {
      await close();
      await listen(mode);
    },
    /**
     * Holds the DATA phase of the next message open until `release` is called: `reached`
     * resolves when a client is in the middle of sending it.
     */
    holdNextMessage() {
      let reached!: () => void;
      let release!: () => void;
      const reachedPromise = new Promise<void>((resolve) => (reached = resolve));
      hold = { reached, released: new Promise<void>((resolve) => (release = resolve)) };
      return { reached: reachedPromise, release };
    },
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
    close,
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
