/** Polling for the suites: a condition that becomes true, or a check that stops failing. */

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until `condition` holds, polling every `intervalMs`; fails after `timeoutMs`, naming
 * `what`. Resolves with the milliseconds it took.
 */
export async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = "condition", intervalMs = 10): Promise<number> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await pause(intervalMs);
  }
  return Date.now() - started;
}

/** Runs `check` until it passes (resolves), retrying every `intervalMs`; after `timeoutMs` fails with its last error. */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 5_000, intervalMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await pause(intervalMs);
    }
  }
}

/**
 * True when `promise` settles within `ms`, false otherwise. The timer is cleared either way, so a
 * test that races a long timeout leaves nothing behind for the leak check.
 */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([
      promise.then(
        () => true,
        () => true,
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
