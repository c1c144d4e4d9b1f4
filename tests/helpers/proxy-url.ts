import type { Server } from "node:net";

/** Starts `proxy` on a loopback port and returns `databaseUrl` pointed at it. */
export async function listenInFront(proxy: Server, databaseUrl: string): Promise<string> {
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  const url = new URL(databaseUrl);
  url.hostname = "127.0.0.1";
  url.port = String((proxy.address() as { port: number }).port);
  return url.toString();
}
