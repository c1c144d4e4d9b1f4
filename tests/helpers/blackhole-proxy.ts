import { connect, createServer, type Socket } from "node:net";
import { listenInFront } from "./proxy-url.js";

interface Link {
  client: Socket;
  upstream: Socket;
  /** Has sent a LISTEN: keyway's change listener. */
  listener: boolean;
  /** Bytes are swallowed both ways, the sockets stay open: no FIN, no RST. */
  dropped: boolean;
}

/**
 * A TCP proxy in front of PostgreSQL that can stop forwarding without closing anything, as a NAT
 * or firewall that forgets a connection does: `stall()` swallows every connection's bytes (new
 * ones included) until `resume()`; `dropListeners()` swallows those of the LISTEN connections only.
 */
export async function blackholeProxy(databaseUrl: string) {
  const target = new URL(databaseUrl);
  const links = new Set<Link>();
  let stalled = false;
  const proxy = createServer((client: Socket) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    const link: Link = { client, upstream, listener: false, dropped: false };
    links.add(link);
    const close = () => {
      links.delete(link);
      client.destroy();
      upstream.destroy();
    };
    for (const end of [client, upstream]) end.on("error", close).on("close", close);
    client.on("data", (chunk: Buffer) => {
      // Pool queries are parameterised; only the listener sends LISTEN as simple query text.
      if (chunk.includes("LISTEN ")) link.listener = true;
      if (!stalled && !link.dropped) upstream.write(chunk);
    });
    upstream.on("data", (chunk: Buffer) => {
      if (!stalled && !link.dropped) client.write(chunk);
    });
  });
  const url = await listenInFront(proxy, databaseUrl);
  return {
    url,
    /** Swallows the bytes of every connection, open and new, until `resume`. */
    stall: () => void (stalled = true),
    resume: () => void (stalled = false),
    /** Swallows, from now on, the bytes of every connection that has sent LISTEN; others are untouched. */
    dropListeners() {
      let count = 0;
      for (const link of links) if (link.listener) (link.dropped = true), count++;
      return count;
    },
    close() {
      for (const link of links) (link.client.destroy(), link.upstream.destroy());
      return new Promise<void>((resolve) => proxy.close(() => resolve()));
    },
  };
}
