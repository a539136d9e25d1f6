/**
 * Batched calls (Pyro4's FLAGS_BATCH): several calls on one object in one message, run in order.
 * The first failure is returned in place, wrapped, and ends the batch; the results so far stand.
 * The wrapped error carries its traceback only when the daemon sends tracebacks (`sendTracebacks`).
 */
import { resolveMember } from "../decorators.js";
import { SerializeError } from "../errors.js";
import { ExceptionWrapper } from "../serializers/classes.js";
import { callWithArguments } from "./arguments.js";
import type { RegisteredObject } from "./registry.js";

/** Runs the calls of a batch; a Promise when one of them is async. */
export function runBatch(entry: RegisteredObject, instance: object, calls: unknown[], sendTracebacks: boolean): unknown[] | Promise<unknown[]> {
  const results: unknown[] = [];
  for (let index = 0; index < calls.length; index++) {
    let result: unknown;
    try {
      result = runOne(entry, instance, calls[index]);
    } catch (error) {
      results.push(new ExceptionWrapper(error as Error, sendTracebacks));
      return results;
    }
    if (result instanceof Promise) return continueAsync(entry, instance, calls, index, result, results, sendTracebacks);
    results.push(result);
  }
  return results;
}

async function continueAsync(
  entry: RegisteredObject,
  instance: object,
  calls: unknown[],
  index: number,
  pending: Promise<unknown>,
  results: unknown[],
  sendTracebacks: boolean,
): Promise<unknown[]> {
  try {
    results.push(await pending);
    for (let next = index + 1; next < calls.length; next++) results.push(await runOne(entry, instance, calls[next]));
  } catch (error) {
    results.push(new ExceptionWrapper(error as Error, sendTracebacks));
  }
  return results;
}

function runOne(entry: RegisteredObject, instance: object, call: unknown): unknown {
  if (!Array.isArray(call) || typeof call[0] !== "string") throw new SerializeError("invalid batch call: expected [method, args, kwargs]");
  const [name, args, kwargs] = call as [string, unknown, unknown];
  resolveMember(entry.members, name, "call", instance);
  const fn = (instance as Record<string, Function>)[name];
  return callWithArguments(instance, name, fn, Array.isArray(args) ? args : [], isKwargs(kwargs) ? kwargs : null);
}

function isKwargs(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
