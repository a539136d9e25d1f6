/**
 * The name server client: `locateNS`, `resolve`, and the name server's API type. Loading this
 * module installs `resolve` as the proxies' resolver for `PYRONAME:` and `PYROMETA:` URIs.
 */
import { installNameResolver } from "../proxy/resolver.js";
import { resolve } from "./resolve.js";

export type { Awaitable, MetadataTags, NameEntriesWithMetadata, NameServerApi, NameServerHealth, NameServerMetadataCalls, NameServerProxy } from "./api.js";
export * from "./constants.js";
export { type BroadcastOutcome, type BroadcastQuery, broadcastTarget, parseBroadcastReply, queryBroadcast } from "./broadcast.js";
export { type LocateOptions, type LocateRequest, isLoopbackName, locateNS, locateWithConfig, nameServerUri } from "./locate.js";
export { type MdnsOutcome, browseMdns, uriFromService } from "./mdns.js";
export { resolve } from "./resolve.js";

installNameResolver((uri, config) => resolve(uri, config));
