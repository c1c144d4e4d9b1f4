import type { FastifyBaseLogger } from "fastify";
import type { Db } from "../../db/client.js";
import { sweep, type SweepPolicy } from "./sweep.js";

export interface Sweeper {
  /** Cancels the next round and waits for the one in progress, if any. */
  stop(): Promise<void>;
}

/** Runs a sweep every `intervalSeconds`; a failed round is logged and the next one tries again. */
export function startSweeper(db: Db, policy: SweepPolicy, intervalSeconds: number, log: FastifyBaseLogger): Sweeper {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  const round = async () => {
    try {
      const report = await sweep(db, policy);
      const total = Object.values(report.removed).reduce((sum, count) => sum + count, 0);
      if (report.skipped) log.info({ removed: report.removed }, "maintenance sweep left to another instance");
      else if (total > 0) log.info({ removed: report.removed }, "maintenance sweep");
    } catch (error) {
      log.warn({ err: error }, "maintenance sweep failed, will retry");
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = round().then(schedule);
    }, intervalSeconds * 1000);
    timer.unref();
  };
  schedule();

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
