/**
 * Errors a daemon reports on its own stderr, because no caller will see them (oneway methods,
 * the daemon's own hooks) or because the method asked for it (`@callback`), unless the daemon
 * options `onOnewayError` and `onCallbackError` take them. One line per error: what failed, then
 * the stack.
 */

/** The default `onCallbackError`: `@callback` methods report their errors on this side too, not only to the caller (as Pyro does). */
export function printCallbackError(method: string, error: unknown): void {
  process.stderr.write(`pyrots: error in callback ${method}: ${describe(error)}\n`);
}

/**
 * The default `onOnewayError`: a oneway method that throws (or whose promise rejects) has no
 * caller to tell, so its error is printed, as Pyro4 reports exceptions of its oneway call threads.
 */
export function printOnewayError(name: string, error: unknown): void {
  process.stderr.write(`pyrots: error in oneway method ${name}: ${describe(error)}\n`);
}

/** A daemon hook (e.g. `onClientDisconnect`) threw: reported, and the daemon goes on. */
export function reportHookError(hook: string, error: unknown): void {
  process.stderr.write(`pyrots: error in ${hook}: ${describe(error)}\n`);
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
