/**
 * What a proxy face drives: one remote object's connection machinery (`ProxyCore`), or a pool of
 * workers that stands for one object (`fleet/pool.ts`). The face (`proxy.ts`) turns member reads
 * into calls on an engine and never needs to know which kind it holds.
 */
import type { ProxyRef } from "../serializers/values.js";
import type { URI } from "../uri.js";
import type { RemoteMetadata } from "./metadata.js";
import type { CallOptions } from "./options.js";
import type { ProxySettings } from "./settings.js";

/** One recorded call of a batch: method, positional arguments, keyword arguments. */
export type BatchCall = [method: string, args: unknown[], kwargs: Record<string, unknown>];

/** The engine behind a proxy face. */
export interface ProxyEngine {
  /** The URI the face shows (`uriOf`): the object's, or what a pool was made for. */
  readonly uri: URI;
  /** The settings its calls are made with (a pool's are every worker's). */
  readonly settings: ProxySettings;
  /** The serializer its calls use (`serializerOf`); a pool's is the configured one (each worker may still fall back). */
  readonly serializerName: string;
  /** Metadata known for the remote object (from a handshake). */
  readonly metadata: RemoteMetadata | undefined;
  /** True while at least one connection is open. */
  readonly connected: boolean;
  /** Calls a remote method. */
  call(method: string, args: unknown[], kwargs: Record<string, unknown> | null, options: CallOptions | undefined): Promise<unknown>;
  /** Reads an exposed remote property. */
  getAttr(name: string, options?: CallOptions): Promise<unknown>;
  /** Sets an exposed remote property. */
  setAttr(name: string, value: unknown, options?: CallOptions): Promise<void>;
  /** Sends batched calls as one message; resolves with the daemon's raw batch reply. */
  sendBatch(calls: BatchCall[], oneway: boolean): Promise<unknown>;
  /** Connects now (and learns the metadata). */
  bind(): Promise<void>;
  /** Closes the connections; the next call opens new ones. */
  release(): void;
  /** Closes for good what `release` would, plus anything running in the background (a pool's membership watch). */
  close(): Promise<void>;
  /** The reference the proxy is sent as in a call's arguments (Pyro4's proxy state). */
  ref(): ProxyRef;
}
