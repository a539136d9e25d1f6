/**
 * Graceful stop on SIGTERM and SIGINT, for servers and command-line tools: the first signal starts
 * a drain (`daemon.shutdown()`: names removed, new calls refused, calls in flight finished), a
 * second one exits at once with code 130/143 for an impatient operator.
 *
 * ```ts
 * const daemon = await Daemon.create({ host: "0.0.0.0" });
 * shutdownOnSignals(daemon);
 * await daemon.requestLoop();
 * ```
 */

/** Something that stops gracefully. */
export interface GracefulStop {
  shutdown(): Promise<void>;
}

/** Options of {@link shutdownOnSignals}. */
export interface SignalOptions {
  /** Default SIGTERM and SIGINT. */
  readonly signals?: readonly NodeJS.Signals[];
  /** Told when a signal arrives (e.g. to print "draining..."); default: a line on stderr. */
  readonly onSignal?: (signal: NodeJS.Signals) => void;
}

/** Stops `targets` (in order) on the first signal; exits on the second. Returns a function that removes the handlers. */
export function shutdownOnSignals(targets: GracefulStop | readonly GracefulStop[], options: SignalOptions = {}): () => void {
  const list = Array.isArray(targets) ? (targets as readonly GracefulStop[]) : [targets as GracefulStop];
  const signals = options.signals ?? ["SIGTERM", "SIGINT"];
  const tell = options.onSignal ?? ((signal) => process.stderr.write(`${signal}: draining (send it again to exit at once)\n`));
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.exit(signal === "SIGINT" ? 130 : 143);
    }
    stopping = true;
    tell(signal);
    void (async () => {
      for (const target of list) await target.shutdown().catch((error: unknown) => process.stderr.write(`shutdown failed: ${String(error)}\n`));
    })();
  };
  for (const signal of signals) process.on(signal, handler);
  return () => {
    for (const signal of signals) process.off(signal, handler);
  };
}
