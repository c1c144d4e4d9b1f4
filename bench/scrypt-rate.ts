// The raw password-hash rate on this machine with this process's libuv pool: the ceiling
// for email sign-ins. Prints hashes per second as JSON. argv[2]: seconds to run.
import { hashPassword } from "better-auth/crypto";

const seconds = Number(process.argv[2] ?? 5);
const pool = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
const deadline = Date.now() + seconds * 1000;
let done = 0;
const started = Date.now();
await Promise.all(
  Array.from({ length: pool * 2 }, async () => {
    while (Date.now() < deadline) {
      await hashPassword("correct horse battery staple");
      done++;
    }
  }),
);
console.log(JSON.stringify({ hashesPerSecond: done / ((Date.now() - started) / 1000), pool }));
