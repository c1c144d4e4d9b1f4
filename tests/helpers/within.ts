/** Polls until `check` holds: a change made on one instance must reach another within a second. */
export async function within1s(check: () => Promise<boolean>) {
  const deadline = Date.now() + 1000;
  do {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  } while (Date.now() < deadline);
  return check();
}
