/**
 * Opt-in tracing, switched on with the `DEBUG` environment variable in the usual style:
 * `DEBUG=pyrots:*` for everything, or `DEBUG=pyrots:daemon,pyrots:proxy` for parts
 * (`pyrots:daemon`, `pyrots:proxy`, `pyrots:naming`, `pyrots:wire`). Lines go to stderr.
 *
 * The variable is read once, when this module loads; a disabled logger costs one boolean check,
 * so call sites guard any formatting with `if (log.enabled)`. A configuration item may also switch
 * a namespace on for one endpoint (`LOGWIRE` does for `pyrots:wire`).
 */

/** A namespaced trace function. */
export interface DebugLog {
  (message: string): void;
  /** Whether this namespace is switched on. */
  readonly enabled: boolean;
}

const patterns = (process.env.DEBUG ?? "")
  .split(/[\s,]+/)
  .filter(Boolean)
  .map((p) => ({
    negate: p.startsWith("-"),
    regex: new RegExp(`^${(p.startsWith("-") ? p.slice(1) : p).replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`),
  }));

function isEnabled(namespace: string): boolean {
  let enabled = false;
  for (const { negate, regex } of patterns) if (regex.test(namespace)) enabled = !negate;
  return enabled;
}

/** A logger for `namespace` (e.g. `pyrots:daemon`), on when `DEBUG` selects it or `force` is set. */
export function debugLog(namespace: string, force = false): DebugLog {
  const enabled = force || isEnabled(namespace);
  const log = enabled ? (message: string) => process.stderr.write(`${new Date().toISOString()} ${namespace} ${message}\n`) : () => undefined;
  return Object.assign(log, { enabled });
}
