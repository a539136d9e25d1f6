/**
 * Remote iterators over HTTP. The answer starts (200) when the call returns the iterator; each
 * item is fetched from the daemon only once the previous one has been written out (so a slow
 * reader holds the daemon's generator back instead of filling the gateway's memory), and a client
 * that goes away closes the remote iterator. How the stream ended is always said in-band:
 *
 * | format                              | item                         | end                               | failure                          |
 * | ----------------------------------- | ---------------------------- | --------------------------------- | -------------------------------- |
 * | NDJSON (`application/x-ndjson`)     | `{"item": value}`            | `{"done": true, "items": n}`      | `{"error": {...error body}}`     |
 * | SSE (`text/event-stream`)           | `event: item` `data: value`  | `event: done` `data: {"items": n}`| `event: error` `data: {...}`     |
 *
 * (An `EventSource` reconnects when an answer ends: close it on `done` and `error`.)
 */
import type { ServerResponse } from "node:http";
import type { RemoteStream } from "@pyrots/core";
import { type Failure, failureOf } from "./errors.js";
import type { StreamFormat } from "./params.js";
import { jsonText, streamHeaders } from "./respond.js";

/** How a streamed answer ended. */
export interface StreamEnd {
  readonly items: number;
  /** False when the iterator failed. */
  readonly ok: boolean;
  /** True when the client went away before the end. */
  readonly abandoned: boolean;
  readonly failure?: Failure;
}

/** Streams `stream` into `response` in `format` until it ends, fails, or the client leaves. */
export async function pipeStream(
  response: ServerResponse,
  stream: RemoteStream,
  format: StreamFormat,
  headers: Record<string, string>,
  tracebacks: boolean,
): Promise<StreamEnd> {
  let gone = response.destroyed;
  const onClose = () => (gone = true);
  response.once("close", onClose);
  response.writeHead(200, { ...streamHeaders(format), ...headers });
  response.flushHeaders();
  let items = 0;
  try {
    for (;;) {
      if (gone) {
        await stream.return();
        return { items, ok: true, abandoned: true };
      }
      let step: IteratorResult<unknown>;
      let chunk: Buffer;
      try {
        step = await stream.next();
        chunk = step.done ? frame(format, "done", { done: true, items }) : frame(format, "item", step.value);
      } catch (error) {
        const failure = failureOf(error, tracebacks);
        if (!gone) response.write(frame(format, "error", failure.body));
        await stream.return();
        return { items, ok: false, abandoned: gone, failure };
      }
      if (gone) continue;
      if (step.done) {
        response.write(chunk);
        return { items, ok: true, abandoned: false };
      }
      items++;
      if (!response.write(chunk)) await drained(response);
    }
  } finally {
    response.off("close", onClose);
    if (!response.destroyed) response.end();
  }
}

/** One item, end or error in `format`. NDJSON wraps values (`{"item": v}`); SSE names the event. */
function frame(format: StreamFormat, event: "item" | "done" | "error", value: unknown): Buffer {
  if (format === "sse") return Buffer.concat([Buffer.from(`event: ${event}\ndata: `), jsonText(value), Buffer.from("\n\n")]);
  const line = event === "item" ? { item: value } : event === "error" ? { error: value } : value;
  return Buffer.concat([jsonText(line), Buffer.from("\n")]);
}

/** Resolves when `response` can take more, or has closed. */
function drained(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off("drain", done);
      response.off("close", done);
      resolve();
    };
    response.once("drain", done);
    response.once("close", done);
  });
}
