/**
 * @pyrots/web — pyrots objects on the web: an HTTP gateway (Pyro-compatible URLs, typed JSON,
 * streamed remote iterators, batches), a typed browser client it serves, and a live console.
 *
 * ```ts
 * import { startGateway } from "@pyrots/web";
 * await using gateway = await startGateway({ port: 8080, expose: "example\\.", nameServer: { host: "127.0.0.1" } });
 * ```
 *
 * The browser client is the subpath `@pyrots/web/client` (and `<gateway>/pyro/$client.js`).
 */
export { startGateway, type Gateway } from "./gateway/server.js";
export { GatewayApp } from "./gateway/app.js";
export { type GatewayOptions, type GatewaySettings, type NameServerLocation, GatewayOptionError, DEFAULT_EXPOSE, gatewaySettings } from "./gateway/options.js";
export type { CallEvent, CallKind, CallObserver, CallStart, GatewayTracer, TraceSpan } from "./gateway/hooks.js";
export { openTelemetryGatewayTracer, type GatewayTracingOptions } from "./gateway/tracing.js";
export { GatewayMetrics } from "./gateway/metrics.js";
export { CallStats, type ObjectStats, type StatsSnapshot } from "./gateway/stats.js";
export type { NameEntry, NameListing } from "./gateway/directory.js";
export { type ErrorBody, type ErrorKind } from "./gateway/errors.js";
