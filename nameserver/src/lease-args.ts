/**
 * Checks of the lease arguments that clients send to the name server's lease calls (wire input:
 * anything may arrive), with the errors Python would raise.
 */
import { PythonError } from "@pyrots/core";
import { MAX_LEASE_TTL } from "./storage/types.js";

/** A lease TTL: a whole number of seconds from 1 to {@link MAX_LEASE_TTL}. */
export function leaseTtlOf(value: unknown): number {
  const ttl = typeof value === "bigint" ? Number(value) : value;
  if (typeof ttl !== "number" || typeof value === "boolean") throw new PythonError("builtins.TypeError", "ttl_seconds must be an int");
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_LEASE_TTL) {
    throw new PythonError("builtins.ValueError", `ttl_seconds must be a whole number of seconds from 1 to ${MAX_LEASE_TTL}, got ${String(value)}`);
  }
  return ttl;
}

/** A lease id: the string `lease_grant` returned; null/undefined stay undefined. */
export function leaseIdOf(value: unknown, what = "lease"): string | undefined {
  if (value == null) return undefined;
  if (typeof value !== "string") throw new PythonError("builtins.TypeError", `${what} must be a str (the id lease_grant returned)`);
  if (value === "" || value.length > 64) throw new PythonError("builtins.ValueError", `${what} is not a lease id: ${JSON.stringify(value.slice(0, 64))}`);
  return value;
}

/** A lease id that must be given. */
export function requiredLeaseIdOf(value: unknown, what = "lease_id"): string {
  const id = leaseIdOf(value, what);
  if (id === undefined) throw new PythonError("builtins.TypeError", `${what} must be a str (the id lease_grant returned)`);
  return id;
}
