/**
 * The entry points of the prepare walk (prepare-walk.ts) for whole payloads: a value, or a call's
 * arguments. A refusal leaves them as a SerializeError whose path starts at the value's name
 * (`result`, `exception`, …) or at `args` / `kwargs`.
 */
import { PrepareWalk, type WireRules, prepareArray, prepareValue } from "./prepare-walk.js";
import { sendError } from "./refusal.js";

/** `value` prepared with `rules` as a whole payload named `what`; the walk tells what it noticed. */
export function preparePayload(value: unknown, walk: PrepareWalk, what: string): unknown {
  try {
    return prepareValue(value, walk, 0);
  } catch (error) {
    throw sendError(error, what);
  }
}

/** A call's arguments and keyword arguments, prepared (both sit two levels down in the call). */
export function prepareCallArguments(args: readonly unknown[], kwargs: Record<string, unknown> | null, walk: PrepareWalk): [unknown[], unknown] {
  let preparedArgs: unknown[];
  try {
    preparedArgs = prepareArray(args, walk, 2);
  } catch (error) {
    throw sendError(error, "args");
  }
  try {
    return [preparedArgs, kwargs === null ? null : prepareValue(kwargs, walk, 1)];
  } catch (error) {
    throw sendError(error, "kwargs");
  }
}

export { PrepareWalk, type WireRules };
