/**
 * Discovery constants shared by the name server client (`locateNS`) and the name server's
 * responders, so that both sides of each exchange agree.
 *
 * | what                   | value                          |
 * | ---------------------- | ------------------------------ |
 * | name server object id  | `Pyro.NameServer`              |
 * | broadcast request      | the 9 ASCII bytes `GET_NSURI`  |
 * | broadcast reply        | the NS URI text, ISO-8859-1, at most 100 bytes |
 * | mDNS service           | `_pyro-ns._tcp.local`, URI in TXT key `uri` |
 */

/** The object id (and registered name) of the name server. */
export const NAMESERVER_NAME = "Pyro.NameServer";

/** The exact datagram a client broadcasts to ask for the name server's URI. */
export const BROADCAST_REQUEST = "GET_NSURI";

/** The longest broadcast reply a client reads (Pyro4 reads 100 bytes). */
export const BROADCAST_REPLY_MAX = 100;

/** Seconds a client waits for a broadcast reply per round (Pyro4: 0.7). */
export const BROADCAST_ROUND_SECONDS = 0.7;

/** Broadcast rounds a client makes before giving up (Pyro4: 3). */
export const BROADCAST_ROUNDS = 3;

/** The mDNS/DNS-SD service type (bonjour-service's `type`; the full name is `_pyro-ns._tcp.local`). */
export const MDNS_SERVICE_TYPE = "pyro-ns";

/** The TXT record key that carries the name server's URI. */
export const MDNS_TXT_URI_KEY = "uri";

/** Seconds `locateNS` browses mDNS before giving up. */
export const MDNS_BROWSE_SECONDS = 1.5;

/** Host addresses that mean "every interface" and must be replaced by a reachable one. */
export { ANY_HOSTS as UNSPECIFIED_HOSTS } from "../transport/addresses.js";
