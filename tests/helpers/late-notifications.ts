import { connect, createServer, type Socket } from "node:net";
import { listenInFront } from "./proxy-url.js";

/** PostgreSQL's NotificationResponse message: what a LISTEN connection receives on NOTIFY. */
const NOTIFICATION = "A".charCodeAt(0);

/**
 * A TCP proxy in front of PostgreSQL that delivers every notification `delayMs` after it arrived,
 * and what follows it on the same connection after it, in order: a listener that falls behind.
 */
export async function lateNotificationsProxy(databaseUrl: string, delayMs: number) {
  const target = new URL(databaseUrl);
  const open = new Set<Socket>();
  const proxy = createServer((client: Socket) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    for (const end of [client, upstream]) {
      open.add(end);
      end.on("close", () => open.delete(end));
      end.on("error", () => (end === client ? upstream : client).destroy());
    }
    client.pipe(upstream);
    // Backend messages are a type byte and a length that counts itself: split them, hold back notifications.
    let pending = Buffer.alloc(0);
    let delivered = Promise.resolve();
    upstream.on("data", (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 5 && pending.length >= 1 + pending.readUInt32BE(1)) {
        const message = pending.subarray(0, 1 + pending.readUInt32BE(1));
        pending = pending.subarray(message.length);
        const due = Date.now() + (message[0] === NOTIFICATION ? delayMs : 0);
        delivered = delivered.then(async () => {
          if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
          if (!client.destroyed) client.write(message);
        });
      }
    });
    upstream.on("end", () => void delivered.then(() => client.end()));
  });
  const url = await listenInFront(proxy, databaseUrl);
  return {
    url,
    close() {
      for (const socket of open) socket.destroy();
      return new Promise<void>((resolve) => proxy.close(() => resolve()));
    },
  };
}
