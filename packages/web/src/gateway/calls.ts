/**
 * Serving the requests that reach an object: member calls, `$meta`, `$ping` and batches. Each
 * call is timed, traced (when a tracer is plugged in) and reported to the observers once it has
 * finished; only calls to names the name server knows are reported, so made-up names cannot fill
 * the statistics.
 */
import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import type { CallOptions } from "@pyrots/core";
import { checkExposed } from "./access.js";
import { type Failure, GatewayError, failureOf } from "./errors.js";
import { type CallEvent, type CallKind, type TraceSpan, reportCall } from "./hooks.js";
import { type Outcome, invokeMember, membersOf, pingDaemon } from "./invoke.js";
import type { GatewaySettings } from "./options.js";
import type { CallArguments, RequestControls } from "./params.js";
import { argsOf, kwargsOf } from "./params.js";
import type { Lease, ProxyPool } from "./pool.js";
import { sendEmpty, sendFailure, sendJson } from "./respond.js";
import { pipeStream } from "./stream.js";

/** One request's view of the call it makes. */
interface CallScope {
  readonly name: string;
  readonly method: string;
  readonly kind: CallKind;
  readonly controls: RequestControls;
  readonly headers: IncomingHttpHeaders;
}

/** What a finished call reports. */
interface Finished {
  readonly status: number;
  readonly ok: boolean;
  readonly error?: string;
  readonly items?: number;
}

/** One call of a batch request. */
interface BatchItem {
  name: string;
  method: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
  oneway: boolean;
  attribute: boolean;
}

/** Runs calls for HTTP requests. */
export class CallService {
  constructor(
    private readonly pool: ProxyPool,
    private readonly settings: GatewaySettings,
  ) {}

  /** `P/pyro/<name>/<member>`: calls a method or reads an attribute, and answers. */
  async member(response: ServerResponse, scope: CallScope, input: CallArguments, signal: AbortSignal): Promise<void> {
    const headers = { "X-Pyro-Correlation-Id": scope.controls.correlationId };
    await this.tracked(scope, response, headers, async (lease, options) => {
      const { controls } = scope;
      const outcome: Outcome = await invokeMember(lease, {
        member: scope.method,
        args: input.args,
        kwargs: input.kwargs,
        oneway: controls.oneway,
        attribute: controls.attribute,
        options: { ...options, signal },
      });
      if (outcome.kind === "oneway") {
        sendEmpty(response, headers);
        return { status: 200, ok: true };
      }
      if (outcome.kind === "value") {
        sendJson(response, 200, outcome.value, headers);
        return { status: 200, ok: true };
      }
      const end = await pipeStream(response, outcome.stream, controls.stream, headers, this.settings.tracebacks);
      return { status: 200, ok: end.ok, error: end.failure?.kind ?? (end.abandoned ? "client-closed" : undefined), items: end.items };
    });
  }

  /** `P/pyro/<name>/$meta`. */
  async meta(response: ServerResponse, scope: CallScope): Promise<void> {
    const headers = { "X-Pyro-Correlation-Id": scope.controls.correlationId };
    await this.tracked(scope, response, headers, async (lease) => {
      sendJson(response, 200, membersOf(lease), headers);
      return { status: 200, ok: true };
    });
  }

  /** `P/pyro/<name>/$ping`. */
  async ping(response: ServerResponse, scope: CallScope): Promise<void> {
    const headers = { "X-Pyro-Correlation-Id": scope.controls.correlationId };
    await this.tracked(scope, response, headers, async (lease) => {
      const ms = await pingDaemon(lease);
      sendJson(response, 200, { ok: true, ms }, headers);
      return { status: 200, ok: true };
    });
  }

  /**
   * `P/pyro/$batch`: `{"calls": [{"name", "method", "args"?, "kwargs"?, "oneway"?, "attribute"?}]}`,
   * run in order; answers `{"results": [{"ok": true, "value": v} | {"ok": true} | {"ok": false, "error": {...}}]}`.
   */
  async batch(response: ServerResponse, body: unknown, controls: RequestControls, headers: IncomingHttpHeaders): Promise<void> {
    const items = this.batchItems(body);
    const results: unknown[] = [];
    for (const item of items) {
      const scope: CallScope = { name: item.name, method: item.method, kind: "batch-call", controls, headers };
      results.push(await this.batchCall(scope, item));
    }
    sendJson(response, 200, { results }, { "X-Pyro-Correlation-Id": controls.correlationId });
  }

  private async batchCall(scope: CallScope, item: BatchItem): Promise<unknown> {
    let result: unknown;
    await this.tracked(scope, undefined, {}, async (lease, options) => {
      const outcome = await invokeMember(lease, {
        member: item.method,
        args: item.args,
        kwargs: item.kwargs,
        oneway: item.oneway,
        attribute: item.attribute,
        options,
      });
      if (outcome.kind === "stream") {
        await outcome.stream.return();
        throw new GatewayError(
          "bad-request",
          `${item.name}.${item.method} returns a remote iterator, which a batch cannot carry: call it on its own URL to stream it`,
        );
      }
      result = outcome.kind === "value" ? { ok: true, value: outcome.value } : { ok: true };
      return { status: 200, ok: true };
    }).catch((failure: Failure) => {
      result = { ok: false, error: failure.body };
    });
    return result;
  }

  private batchItems(body: unknown): BatchItem[] {
    const calls = body !== null && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, unknown>).calls : undefined;
    if (!Array.isArray(calls))
      throw new GatewayError("bad-request", 'batch body must be {"calls": [{"name": ..., "method": ..., "args": [...], "kwargs": {...}}, ...]}');
    if (calls.length > this.settings.maxBatch)
      throw new GatewayError("bad-request", `a batch may hold at most ${this.settings.maxBatch} calls, got ${calls.length}`);
    return calls.map((call, i) => {
      if (call === null || typeof call !== "object" || Array.isArray(call)) throw new GatewayError("bad-request", `batch call ${i} must be an object`);
      const { name, method, args, kwargs, oneway, attribute, ...rest } = call as Record<string, unknown>;
      const extra = Object.keys(rest);
      if (extra.length > 0) throw new GatewayError("bad-request", `batch call ${i}: unknown field ${JSON.stringify(extra[0])}`);
      if (typeof name !== "string" || name === "") throw new GatewayError("bad-request", `batch call ${i}: "name" must be a registered name`);
      if (typeof method !== "string" || method === "") throw new GatewayError("bad-request", `batch call ${i}: "method" must be a method or attribute name`);
      return {
        name,
        method,
        args: args === undefined ? [] : argsOf(args, `batch call ${i} "args"`),
        kwargs: kwargs === undefined ? {} : kwargsOf(kwargs, `batch call ${i} "kwargs"`),
        oneway: oneway === true,
        attribute: attribute === true,
      };
    });
  }

  /**
   * Leases the object's proxy and runs `work` with it, timed and traced. Failures are answered on
   * `response` (when given) and reported; without a response the Failure is thrown instead.
   */
  private async tracked(
    scope: CallScope,
    response: ServerResponse | undefined,
    headers: Record<string, string>,
    work: (lease: Lease, options: CallOptions) => Promise<Finished>,
  ): Promise<void> {
    const started = performance.now();
    let span: TraceSpan | undefined;
    let lease: Lease | undefined;
    let finished: Finished;
    let failure: Failure | undefined;
    try {
      checkExposed(this.settings.exposeMatcher, scope.name);
      lease = await this.pool.acquire(scope.name);
      span = this.startSpan(scope);
      finished = await work(lease, { timeout: this.timeoutFor(scope.controls), correlationId: scope.controls.correlationId, annotations: span?.annotations });
    } catch (error) {
      failure = failureOf(error, this.settings.tracebacks);
      finished = { status: failure.status, ok: false, error: failure.kind };
      if (response) sendFailure(response, failure, headers);
    } finally {
      lease?.release();
    }
    // Names that are not exposed or not registered are not recorded.
    if (lease !== undefined) this.report(scope, span, finished, started);
    if (failure && !response) throw failure;
  }

  private startSpan(scope: CallScope): TraceSpan | undefined {
    try {
      return this.settings.tracer?.startCall({
        name: scope.name,
        method: scope.method,
        kind: scope.kind,
        correlationId: scope.controls.correlationId,
        headers: scope.headers,
      });
    } catch {
      return undefined;
    }
  }

  private report(scope: CallScope, span: TraceSpan | undefined, finished: Finished, started: number): void {
    const event: CallEvent = {
      name: scope.name,
      method: scope.method,
      kind: scope.kind === "call" ? kindOf(scope, finished) : scope.kind,
      status: finished.status,
      ok: finished.ok,
      error: finished.error,
      durationMs: Math.round((performance.now() - started) * 1000) / 1000,
      correlationId: scope.controls.correlationId,
      items: finished.items,
    };
    reportCall(this.settings.observers, span, event);
  }

  /** The call's timeout: the client's, capped by the gateway's (0: none). */
  private timeoutFor(controls: RequestControls): number {
    const limit = this.settings.timeout;
    if (controls.timeout === undefined) return limit;
    return limit > 0 ? Math.min(limit, controls.timeout) : controls.timeout;
  }
}

function kindOf(scope: CallScope, finished: Finished): CallKind {
  if (finished.items !== undefined) return "stream";
  if (scope.controls.attribute) return "attribute";
  if (scope.controls.oneway) return "oneway";
  return "call";
}
