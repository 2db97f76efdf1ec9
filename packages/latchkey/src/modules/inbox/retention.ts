// The retention sweeper: deletes messages past the retention period on a timer, started and stopped with the server.

/** Runs `sweep` now and then every `intervalMs` until the returned function is called; errors go to `onError`. */
export function startSweeper(
  sweep: () => Promise<number>,
  intervalMs: number,
  onError: (err: unknown) => void,
): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    // One sweep at a time: a slow sweep is never overlapped by the next tick.
    running = running.then(() => sweep().catch(onError));
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
