/**
 * The etcd storage spec and its options:
 *
 * ```text
 * etcd:HOST:PORT[,HOST:PORT...][/PREFIX][?stale=SECONDS&timeout=SECONDS&heartbeat=SECONDS]
 * ```
 *
 * | part        | meaning                                                              | default  |
 * | ----------- | -------------------------------------------------------------------- | -------- |
 * | `HOST:PORT` | client endpoints of the etcd cluster (`[v6]:PORT` for IPv6 literals) | required |
 * | `PREFIX`    | key prefix: names live under `PREFIX/names/`                         | `pyrots` |
 * | `stale`     | seconds without confirmed contact after which reads are refused      | 30       |
 * | `timeout`   | seconds one etcd request may take                                     | 5        |
 * | `heartbeat` | seconds between contact probes                                       | 1        |
 */
import { StorageSpecError } from "./spec-error.js";

/** Options of the etcd storage. */
export interface EtcdStorageOptions {
  /** Client endpoints, `host:port` each (no scheme; plain HTTP/2 to etcd). */
  readonly endpoints: readonly string[];
  /** Key prefix without a trailing slash (default `pyrots`). */
  readonly prefix?: string;
  /** Seconds without confirmed contact after which reads are refused (default 30). */
  readonly staleLimit?: number;
  /** Seconds one etcd request (and a read-your-writes wait) may take (default 5). */
  readonly requestTimeout?: number;
  /** Seconds between contact probes (default 1). */
  readonly heartbeat?: number;
  /**
   * Names each replica keeps for itself, never written to etcd (default `["Pyro.NameServer"]`: each
   * replica answers a lookup of the name server's own name with its own URI).
   */
  readonly localNames?: readonly string[];
}

/** Default key prefix. */
export const DEFAULT_ETCD_PREFIX = "pyrots";

const OPTION_NAMES: Record<string, "staleLimit" | "requestTimeout" | "heartbeat"> = { stale: "staleLimit", timeout: "requestTimeout", heartbeat: "heartbeat" };

/** Parses an `etcd:...` spec; StorageSpecError says what is wrong. */
export function parseEtcdSpec(spec: string): EtcdStorageOptions {
  const fail = (why: string) => new StorageSpecError(`invalid storage "${spec}": ${why} (expected etcd:HOST:PORT[,HOST:PORT...][/PREFIX][?stale=SECONDS])`);
  if (!spec.startsWith("etcd:")) throw fail("not an etcd spec");
  let rest = spec.slice(5);
  const options: { staleLimit?: number; requestTimeout?: number; heartbeat?: number } = {};
  const query = rest.indexOf("?");
  if (query >= 0) {
    for (const pair of rest.slice(query + 1).split("&")) {
      const [key, value, extra] = pair.split("=");
      const option = key === undefined ? undefined : OPTION_NAMES[key];
      if (option === undefined || value === undefined || extra !== undefined)
        throw fail(`unknown option "${pair}" (known: ${Object.keys(OPTION_NAMES).join(", ")})`);
      const seconds = Number(value);
      if (value.trim() === "" || !Number.isFinite(seconds) || seconds <= 0 || seconds > 86_400) throw fail(`${key} must be a number of seconds above 0`);
      options[option] = seconds;
    }
    rest = rest.slice(0, query);
  }
  const slash = rest.indexOf("/");
  const prefix = slash >= 0 ? rest.slice(slash + 1).replace(/\/+$/, "") : DEFAULT_ETCD_PREFIX;
  if (slash >= 0 && prefix === "") throw fail("the prefix after / is empty");
  const endpoints = (slash >= 0 ? rest.slice(0, slash) : rest).split(",");
  for (const endpoint of endpoints) if (!validEndpoint(endpoint)) throw fail(`"${endpoint}" is not HOST:PORT`);
  return { endpoints, prefix, ...options };
}

function validEndpoint(endpoint: string): boolean {
  const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(endpoint);
  return match !== null && Number(match[2]) > 0 && Number(match[2]) <= 65535;
}
