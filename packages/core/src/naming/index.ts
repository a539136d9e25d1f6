/**
 * The name server client: `locateNS`, `resolve`, and the name server's API type. Proxies made by
 * the public constructor resolve `PYRONAME:` and `PYROMETA:` URIs with {@link resolveName}.
 */
export type { Awaitable, MetadataTags, NameEntriesWithMetadata, NameServerApi, NameServerHealth, NameServerMetadataCalls, NameServerProxy } from "./api.js";
export * from "./constants.js";
export { type BroadcastOutcome, type BroadcastQuery, broadcastTarget, parseBroadcastReply, queryBroadcast } from "./broadcast.js";
export {
  LOCATE_CONNECT_SECONDS,
  type LocateAttempt,
  type LocateOptions,
  type LocateRequest,
  configuredNameServers,
  locateNS,
  locateWithSettings,
  nameServerUri,
} from "./locate.js";
export { type MdnsOutcome, browseMdns, uriFromService } from "./mdns.js";
export { resolve, resolveName } from "./resolve.js";
