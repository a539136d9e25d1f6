/**
 * A remote iterator read from the gateway's NDJSON answer: one `{"item": value}` line per item,
 * then `{"done": true}` or `{"error": {...}}`. Leaving a `for await` loop early cancels the
 * answer, which makes the gateway close the iterator on the remote side.
 */
import { GatewayError, errorFromAnswer } from "./errors.js";
import { fromJsonText } from "./wire.js";

/** Longest line accepted, in characters: a larger item is refused rather than buffered without end. */
export const MAX_LINE = 64 * 1024 * 1024;

/** The items of a remote iterator. Iterate it once. */
export class GatewayStream<T = unknown> implements AsyncIterableIterator<T> {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();
  private buffer = "";
  private finished = false;

  constructor(
    body: ReadableStream<Uint8Array>,
    /** The call's correlation id. */
    readonly correlationId: string | undefined,
  ) {
    this.reader = body.getReader();
  }

  async next(): Promise<IteratorResult<T>> {
    if (this.finished) return { done: true, value: undefined };
    try {
      const line = await this.line();
      if (line === undefined)
        throw new GatewayError(200, { error: "unreachable", message: "the stream ended without its end marker (connection lost)" }, this.correlationId);
      const message = fromJsonText(line) as { item?: unknown; done?: boolean; error?: unknown };
      if (message !== null && typeof message === "object" && "item" in message) return { done: false, value: message.item as T };
      if (message !== null && typeof message === "object" && message.done === true) {
        await this.finish();
        return { done: true, value: undefined };
      }
      const body = message !== null && typeof message === "object" ? message.error : undefined;
      const status =
        body !== null && typeof body === "object" && typeof (body as { status?: unknown }).status === "number" ? (body as { status: number }).status : 500;
      throw errorFromAnswer(status, body, this.correlationId);
    } catch (error) {
      await this.finish();
      throw error;
    }
  }

  async return(): Promise<IteratorResult<T>> {
    await this.finish();
    return { done: true, value: undefined };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** The next line without its newline; undefined at the end of the answer. */
  private async line(): Promise<string | undefined> {
    for (;;) {
      const newline = this.buffer.indexOf("\n");
      if (newline >= 0) {
        const line = this.buffer.slice(0, newline);
        this.buffer = this.buffer.slice(newline + 1);
        return line;
      }
      if (this.buffer.length > MAX_LINE)
        throw new GatewayError(200, { error: "bad-request", message: `a stream item is longer than ${MAX_LINE} characters` }, this.correlationId);
      const { done, value } = await this.reader.read();
      if (done) return undefined;
      this.buffer += this.decoder.decode(value, { stream: true });
    }
  }

  private async finish(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    this.buffer = "";
    await this.reader.cancel().catch(() => undefined);
  }
}
