/**
 * Spans as the tracing suites read them: what `otel-setup.ts` writes from each traced process,
 * with lookups that fail with the whole set in the message.
 */
import { readFileSync } from "node:fs";

/** One finished span, as written by `otel-setup.ts`. */
export interface SpanRecord {
  /** `OTEL_PROCESS_NAME` of the process that recorded it. */
  readonly process: string;
  readonly name: string;
  /** OpenTelemetry's SpanKind: 0 internal, 1 server, 2 client. */
  readonly kind: number;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly links: readonly { readonly traceId: string; readonly spanId: string }[];
  readonly attributes: Readonly<Record<string, string | number | boolean>>;
  /** SpanStatusCode: 0 unset, 1 ok, 2 error. */
  readonly status: number;
}

/** SpanKind values. */
export const SERVER = 1;
export const CLIENT = 2;

/** The spans of several processes. */
export class Spans {
  constructor(readonly all: readonly SpanRecord[]) {}

  /** Reads the JSON-lines files written by traced processes. */
  static read(...files: string[]): Spans {
    const records = files.flatMap((file) =>
      readFileSync(file, "utf8")
        .split("\n")
        .filter((line) => line !== "")
        .map((line) => JSON.parse(line) as SpanRecord),
    );
    return new Spans(records);
  }

  /** Every span of `process` named `name` of `kind`. */
  find(process: string, name: string, kind: number): SpanRecord[] {
    return this.all.filter((span) => span.process === process && span.name === name && span.kind === kind);
  }

  /** The one span of `process` named `name` of `kind`; throws when there is not exactly one. */
  one(process: string, name: string, kind: number): SpanRecord {
    const found = this.find(process, name, kind);
    if (found.length !== 1) throw new Error(`${found.length} ${process} spans ${name} (kind ${kind}) among:\n${this.describe()}`);
    return found[0]!;
  }

  /** The spans whose parent is `parent`. */
  childrenOf(parent: SpanRecord): SpanRecord[] {
    return this.all.filter((span) => span.traceId === parent.traceId && span.parentSpanId === parent.spanId);
  }

  /** One line per span, for failure messages. */
  describe(): string {
    return this.all.map((s) => `${s.process} ${s.name} kind=${s.kind} trace=${s.traceId} span=${s.spanId} parent=${s.parentSpanId ?? "-"}`).join("\n");
  }
}
