/**
 * One call through a pooled proxy: a method (normal, oneway, or one that returns a remote
 * iterator), an attribute read, the object's member list (`$meta`) or a ping of its daemon
 * (`$ping`). Unknown members are refused here, before anything is sent, with the list of members
 * the object has.
 */
import { type CallOptions, RemoteStream } from "@pyrots/core";
import { DAEMON_OBJECT_ID, coreOf } from "@pyrots/core/internal";
import { GatewayError } from "./errors.js";
import type { Lease, Members } from "./pool.js";

/** What a call gave. */
export type Outcome =
  | { readonly kind: "value"; readonly value: unknown }
  | { readonly kind: "stream"; readonly stream: RemoteStream }
  | { readonly kind: "oneway" };

/** A call to make. */
export interface MemberCall {
  readonly member: string;
  readonly args: unknown[];
  readonly kwargs: Record<string, unknown>;
  /** Call as oneway even if the object does not declare it so (Pyro's `X-Pyro-Options: oneway`). */
  readonly oneway: boolean;
  /** Only read an attribute; never call a method. */
  readonly attribute: boolean;
  /** Timeout, correlation id, annotations, abort signal. */
  readonly options: CallOptions;
}

/** Calls a method or reads an attribute of the leased object. */
export async function invokeMember(lease: Lease, call: MemberCall): Promise<Outcome> {
  const { members } = lease;
  const core = coreOf(lease.proxy);
  const { member, args, kwargs } = call;
  if (call.attribute || (members.attrs.has(member) && !members.methods.has(member))) {
    if (!members.attrs.has(member)) throw unknownMember(lease, member, "attribute");
    if (args.length > 0 || Object.keys(kwargs).length > 0) {
      throw new GatewayError("bad-request", `'${member}' of ${lease.name} is an attribute: read it without arguments`);
    }
    return { kind: "value", value: await core.getAttr(member, call.options) };
  }
  if (!members.methods.has(member)) throw unknownMember(lease, member, "method");
  if (call.oneway && !members.oneway.has(member)) {
    await core.callObject(lease.uri.object, member, args, true, 0, kwargs);
    return { kind: "oneway" };
  }
  const result = await core.call(member, args, kwargs, call.options);
  if (members.oneway.has(member)) return { kind: "oneway" };
  return result instanceof RemoteStream ? { kind: "stream", stream: result } : { kind: "value", value: result };
}

/** `$meta`: the object's members, in Pyro's gateway form plus the oneway methods. */
export function membersOf(lease: Lease): { methods: string[]; attributes: string[]; oneway: string[] } {
  const { methods, attrs, oneway } = lease.members;
  return { methods: [...methods].sort(), attributes: [...attrs].sort(), oneway: [...oneway].sort() };
}

/** `$ping`: pings the object's daemon; resolves with the round trip in milliseconds. */
export async function pingDaemon(lease: Lease): Promise<number> {
  const started = performance.now();
  await coreOf(lease.proxy).callObject(DAEMON_OBJECT_ID, "ping", [], false);
  return Math.round((performance.now() - started) * 1000) / 1000;
}

function unknownMember(lease: Lease, member: string, kind: "method" | "attribute"): GatewayError {
  return new GatewayError("not-found", `${lease.name} has no exposed ${kind} '${member}'${hint(lease.members, member, kind)}`);
}

function hint(members: Members, member: string, kind: "method" | "attribute"): string {
  if (kind === "method" && members.attrs.has(member)) return " (it is an attribute)";
  if (kind === "attribute" && members.methods.has(member)) return " (it is a method)";
  const known = [...members.methods, ...members.attrs].sort();
  return known.length > 0 ? ` (it has: ${known.slice(0, 30).join(", ")}${known.length > 30 ? ", ..." : ""})` : "";
}
