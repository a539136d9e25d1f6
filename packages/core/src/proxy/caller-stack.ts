/**
 * Caller frames on call errors: a call's error is made where its reply is decoded, so its own
 * stack names pyrots' reply path; this adds the frames of the code that made the call.
 */
import { PyroError } from "../errors.js";

/** Errors that already carry their caller's frames (an error may reach several awaits). */
const withCaller = new WeakSet<object>();

/**
 * The call's promise, with the caller's own frames added to the stack of its error. The error is
 * made where the reply is decoded, far from the code that made the call; but V8's async stack
 * traces lead from a rejection handler to whoever awaits the promise it settles, so a new Error
 * made in {@link rethrowWithCallerFrames} names the caller's line (`at async main (app.js:12:3)`).
 * Costs one more promise and one reaction per call (no closure: the handler is shared), which
 * `CALLER_STACKS=false` saves.
 */
export function withCallerStack(call: Promise<unknown>): Promise<unknown> {
  return call.then(undefined, rethrowWithCallerFrames);
}

function rethrowWithCallerFrames(error: unknown): never {
  throw addCallerFrames(error, new Error());
}

function addCallerFrames(error: unknown, here: Error): unknown {
  if (!(error instanceof PyroError) || withCaller.has(error) || typeof error.stack !== "string") return error;
  const frames = (here.stack ?? "")
    .split("\n")
    .slice(2)
    .filter((line) => !line.includes("(node:internal/"));
  if (frames.length === 0) return error;
  withCaller.add(error);
  error.stack = `${error.stack}\n    --- where the call was made ---\n${frames.join("\n")}`;
  return error;
}
