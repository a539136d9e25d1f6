/**
 * The names a public `Daemon` registered in name services, each bound to a lease the daemon keeps
 * alive (one keeper per name service). Withdrawn first when the daemon shuts down.
 */
import type { PyroConfig } from "../config.js";
import type { LeaseEvent } from "../daemon/options.js";
import { LeaseKeeper } from "../naming/lease-keeper.js";
import { NameServiceClient } from "../naming/replicas.js";
import { settingsFromConfig } from "../proxy/settings.js";
import { loadConfig } from "../config.js";

/** Where to register: the daemon's configured name servers (`NS_HOST`, replicas included) unless told otherwise. */
export interface NameServiceChoice {
  /** One name server's host (`./u:/path` for a Unix socket); absent: the configured replicas, then discovery. */
  readonly host?: string;
  /** Its port (default `NS_PORT`). */
  readonly port?: number;
  /** Replicas to use instead of the daemon's `NS_HOST` (`"h1:9090,h2:9090"`). */
  readonly nsHost?: string;
}

/** The leased names of one daemon. */
export class DaemonNames {
  private readonly keepers = new Map<string, LeaseKeeper>();

  constructor(
    private readonly config: PyroConfig,
    private readonly report: (event: LeaseEvent) => void,
  ) {}

  /** The keeper for a name service and TTL (made on first use). */
  keeper(choice: NameServiceChoice, ttl: number): LeaseKeeper {
    const key = JSON.stringify([choice.host ?? null, choice.port ?? null, choice.nsHost ?? null, ttl]);
    let keeper = this.keepers.get(key);
    if (keeper === undefined) {
      const config = this.configFor(choice);
      // Background: keepalives must not keep a process alive; the daemon's socket does that.
      const client = new NameServiceClient(settingsFromConfig(config, { background: true }), { host: choice.host, port: choice.port });
      keeper = new LeaseKeeper(client, ttl, this.report);
      this.keepers.set(key, keeper);
    }
    return keeper;
  }

  /** Every name registered through this daemon. */
  get registered(): string[] {
    return [...this.keepers.values()].flatMap((k) => k.registered);
  }

  private configFor(choice: NameServiceChoice): PyroConfig {
    return choice.nsHost === undefined ? this.config : loadConfig({ ...this.config, nsHost: choice.nsHost }, {});
  }

  /** Removes every name (revoking the leases) within `seconds`; reports failures, never throws. */
  async withdraw(seconds: number): Promise<void> {
    await Promise.all([...this.keepers.values()].map((k) => k.revoke(seconds)));
  }
}
