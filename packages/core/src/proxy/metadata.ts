/**
 * What a daemon tells a proxy about the object behind it: its exposed methods, oneway methods
 * and attributes (Pyro's metadata), from a handshake or from a proxy reference in a payload.
 */

/** Exposed members of the remote object, as the daemon announced them. */
export interface RemoteMetadata {
  methods: ReadonlySet<string>;
  oneway: ReadonlySet<string>;
  attrs: ReadonlySet<string>;
  /** Methods the daemon marks safe to repeat (`@idempotent`; pyrots daemons only, empty otherwise). */
  idempotent: ReadonlySet<string>;
  /** How the daemon instantiates the object (`single`, `session`, `percall`), when it says (pyrots daemons). */
  instanceMode: string | undefined;
}

/** Builds the metadata sets from a handshake's `meta` map. */
export function metadataFrom(
  meta: { methods?: unknown; oneway?: unknown; attrs?: unknown; idempotent?: unknown; instance_mode?: unknown } | undefined,
): RemoteMetadata {
  // Pyro5 daemons send Python sets, which serpent keeps as sets.
  const names = (value: unknown) => {
    const items = Array.isArray(value) ? value : value instanceof Set ? [...(value as Set<unknown>)] : [];
    return new Set(items.filter((v): v is string => typeof v === "string"));
  };
  const mode = meta?.instance_mode;
  return {
    methods: names(meta?.methods),
    oneway: names(meta?.oneway),
    attrs: names(meta?.attrs),
    idempotent: names(meta?.idempotent),
    instanceMode: mode === "single" || mode === "session" || mode === "percall" ? mode : undefined,
  };
}
