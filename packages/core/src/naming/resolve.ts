/**
 * `resolve()`: turns `PYRONAME:` and `PYROMETA:` URIs into `PYRO:` ones through a name server,
 * as Pyro4's `resolve` does. Proxies call {@link resolveName} each time they connect without
 * being bound, with their own settings (so a TLS proxy looks its name up over TLS too).
 */
import { type PyroConfig, loadConfig } from "../config.js";
import { NamingError } from "../errors.js";
import { bind, coreOf, uriOf } from "../proxy/proxy.js";
import { type ProxySettings, settingsFromConfig } from "../proxy/settings.js";
import { URI } from "../uri.js";
import type { NameServerProxy } from "./api.js";
import { NAMESERVER_NAME } from "./constants.js";
import { locateWithSettings } from "./locate.js";

/**
 * The `PYRO:` URI that `uri` stands for: `PYRO:` unchanged, `PYRONAME:name[@host[:port]]` looked
 * up, `PYROMETA:tags[@host[:port]]` a random object having all tags. The name server is the one
 * at `host:port` when the URI names one, else found by `locateNS`. `config` defaults to
 * `loadConfig()`.
 */
export async function resolve(uri: string | URI, config?: PyroConfig): Promise<URI> {
  const parsed = typeof uri === "string" ? URI.parse(uri) : uri;
  if (parsed.protocol === "PYRO") return parsed;
  return resolveName(parsed, settingsFromConfig(config ?? loadConfig()));
}

/**
 * {@link resolve} for a proxy: the name server is reached with the proxy's settings (TLS,
 * HMAC, timeout, serializer).
 */
export async function resolveName(parsed: URI, settings: ProxySettings): Promise<URI> {
  if (parsed.protocol === "PYRO") return parsed;
  const host = parsed.sockname !== undefined ? `./u:${parsed.sockname}` : parsed.host;
  // A name server the URI names is checked like any address the proxy connects to; one found
  // from this endpoint's own configuration is trusted.
  const nsSettings = host === undefined && settings.connectRule ? { ...settings, connectRule: undefined } : settings;
  const ns = await locateWithSettings(nsSettings, { host, port: parsed.port });
  try {
    return parsed.protocol === "PYRONAME" ? await lookupName(ns, parsed.object) : await pickByMetadata(ns, parsed.metadata);
  } finally {
    await ns[Symbol.asyncDispose]();
  }
}

async function lookupName(ns: NameServerProxy, name: string): Promise<URI> {
  let found: unknown;
  try {
    found = await ns.lookup(name);
  } catch (error) {
    throw await unknownNameError(ns, name, error);
  }
  // A Python name server sends a URI object; tolerate a bare string from anything else.
  if (found instanceof URI) return found;
  if (typeof found === "string") return URI.parse(found);
  throw new NamingError(`name server returned ${describe(found)} for ${name}, not a URI`);
}

async function pickByMetadata(ns: NameServerProxy, tags: readonly string[]): Promise<URI> {
  // Pyro5's name server searches tags only with yplookup (its list has no metadata arguments);
  // Pyro4's has no yplookup; pyrots' has both.
  await bind(ns);
  const hasYplookup = coreOf(ns).metadata?.methods.has("yplookup") ?? false;
  const candidates: unknown = hasYplookup ? await ns.yplookup(tags, null, false) : await ns.list(null, null, tags);
  const uris = candidates !== null && typeof candidates === "object" ? Object.values(candidates as Record<string, unknown>) : [];
  if (uris.length === 0) throw new NamingError(`no registrations available with desired metadata properties ${JSON.stringify(tags)}`);
  const pick = uris[Math.floor(Math.random() * uris.length)];
  return pick instanceof URI ? pick : URI.parse(String(pick));
}

/** Pyro4's "unknown name: x", plus the names the name server does have, so a typo shows. */
async function unknownNameError(ns: NameServerProxy, name: string, error: unknown): Promise<unknown> {
  if (!(error instanceof Error) || !error.message.startsWith("unknown name")) return error;
  let names: string[];
  try {
    names = Object.keys(await ns.list())
      .filter((n) => n !== NAMESERVER_NAME)
      .sort();
  } catch {
    return error;
  }
  const shown =
    names.length === 0
      ? "no other names are registered"
      : `registered: ${names.slice(0, 10).join(", ")}${names.length > 10 ? ` and ${names.length - 10} more` : ""}`;
  return new NamingError(`unknown name: ${name} (name server ${uriOf(ns).location}: ${shown}) — is the server that registers it running?`, { cause: error });
}

function describe(value: unknown): string {
  return value === null ? "null" : typeof value === "object" ? ((value as object).constructor?.name ?? "object") : typeof value;
}
