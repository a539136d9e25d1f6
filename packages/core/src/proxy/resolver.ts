/**
 * How proxies turn `PYRONAME:` and `PYROMETA:` URIs into `PYRO:` ones. The name server client
 * lives in `naming/`, a layer above this one, so it installs itself here when loaded (core's
 * entry point loads it); proxies never import it directly.
 */
import type { PyroConfig } from "../config.js";
import { NamingError } from "../errors.js";
import type { URI } from "../uri.js";

/** Resolves a `PYRONAME:`/`PYROMETA:` URI to a `PYRO:` URI. */
export type NameResolver = (uri: URI, config: PyroConfig) => Promise<URI>;

let installed: NameResolver | undefined;

/** Installs the resolver used by every proxy (done once by the naming module). */
export function installNameResolver(resolver: NameResolver): void {
  installed = resolver;
}

/** Resolves `uri` if it needs resolving; `PYRO:` URIs come back unchanged. */
export async function resolveUri(uri: URI, config: PyroConfig): Promise<URI> {
  if (uri.protocol === "PYRO") return uri;
  if (!installed) throw new NamingError(`cannot resolve ${uri}: no name server client is loaded (import "@pyrots/core")`);
  return installed(uri, config);
}
