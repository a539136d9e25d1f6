/**
 * Pyro4's `Daemon.serveSimple` for the ports: registers objects, optionally under names in the
 * name server, prints what Pyro4 prints, and serves until the process ends.
 *
 * ```python
 * Pyro4.Daemon.serveSimple({Warehouse: "example.warehouse"}, ns=True)
 * ```
 * ```ts
 * await serveSimple([[Warehouse, "example.warehouse"]], { ns: true });
 * ```
 */
import { Daemon, type DaemonOptions, locateNS } from "@pyrots/core";

/** Options of {@link serveSimple}, as Pyro4's keyword arguments. */
export interface ServeSimpleOptions extends DaemonOptions {
  /** Serve with this daemon instead of a new one. */
  daemon?: Daemon;
  /** Register the names in the name server (default true); without, the names are the object ids. */
  ns?: boolean;
  /** Print each object's URI and name, then "Pyro daemon running." (default true). */
  verbose?: boolean;
}

/** Registers `objects` (class or instance → name) and serves them; resolves when the daemon shuts down. */
export async function serveSimple(objects: Iterable<readonly [object, string]>, options: ServeSimpleOptions = {}): Promise<void> {
  const { daemon: given, ns: useNs = true, verbose = true, ...daemonOptions } = options;
  const daemon = given ?? (await Daemon.create(daemonOptions));
  const ns = useNs ? await locateNS() : undefined;
  for (const [target, name] of objects) {
    const uri = daemon.register(target, useNs ? undefined : name);
    if (verbose) console.log(`Object ${nameOf(target)}:\n    uri = ${uri}`);
    if (ns) {
      await ns.register(name, uri.toString());
      if (verbose) console.log(`    name = ${name}`);
    }
  }
  await ns?.[Symbol.asyncDispose]();
  if (verbose) console.log("Pyro daemon running.");
  await daemon.requestLoop();
}

function nameOf(target: object): string {
  return typeof target === "function" ? target.name : target.constructor.name;
}
