/**
 * The gateway as a request handler: routes each HTTP request (see `routes.ts`), applies the
 * access rules, reads and checks what the client sent, and hands calls to the call service. It
 * can be mounted on any `node:http` server; `startGateway` runs it on its own.
 *
 * ```ts
 * const app = new GatewayApp({ expose: "example\\.", nameServer: { host: "127.0.0.1" } });
 * http.createServer(app.handler).listen(8080);
 * ```
 *
 * Every request ends in an answer or a closed connection: failures become JSON error bodies
 * (`errors.ts`), and no promise is ever left to reject unhandled.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { KeyCheck, OriginPolicy } from "./access.js";
import { Assets } from "./assets.js";
import { parseJson, readBody } from "./body.js";
import { CallService } from "./calls.js";
import { NameDirectory } from "./directory.js";
import { GatewayError, failureOf } from "./errors.js";
import { type GatewayOptions, type GatewaySettings, gatewaySettings } from "./options.js";
import {
  type CallArguments,
  type Parameters,
  type RequestControls,
  bodyArguments,
  headerText,
  jsonControls,
  mergeKwargs,
  requestControls,
  splitParameters,
} from "./params.js";
import { ProxyPool } from "./pool.js";
import { sendFailure, sendJson, sendRedirect } from "./respond.js";
import { type Route, routeOf } from "./routes.js";
import { CallStats } from "./stats.js";
import { GatewayMetrics } from "./metrics.js";

/** The HTTP gateway's request handling and the resources behind it. */
export class GatewayApp implements AsyncDisposable {
  /** The checked settings. */
  readonly settings: GatewaySettings;
  /** Call statistics as the console shows them. */
  readonly stats: CallStats;
  /** Name lookups and listings. */
  readonly directory: NameDirectory;
  private readonly pool: ProxyPool;
  private readonly calls: CallService;
  private readonly assets: Assets;
  private readonly keys: KeyCheck;
  private readonly origins: OriginPolicy;
  /** Counts HTTP answers when the gateway has metrics. */
  private readonly httpMetrics: GatewayMetrics | undefined;

  /** Checks the options (GatewayOptionError) and loads the static files. */
  constructor(options: GatewayOptions = {}) {
    const base = gatewaySettings(options);
    this.stats = new CallStats(base.statsWindow);
    this.httpMetrics = base.metrics === undefined ? undefined : new GatewayMetrics(base.metrics);
    const observers = this.httpMetrics === undefined ? [this.stats, ...base.observers] : [this.stats, this.httpMetrics, ...base.observers];
    this.settings = Object.freeze({ ...base, observers: Object.freeze(observers) });
    this.directory = new NameDirectory(this.settings);
    this.pool = new ProxyPool(this.directory, this.settings);
    this.calls = new CallService(this.pool, this.settings);
    this.assets = new Assets();
    this.keys = new KeyCheck(this.settings.gatewayKey);
    this.origins = new OriginPolicy(this.settings.cors);
  }

  /** The `node:http` request listener. Never throws; never rejects. */
  readonly handler = (request: IncomingMessage, response: ServerResponse): void => {
    request.on("error", () => undefined);
    response.on("error", () => undefined);
    if (this.httpMetrics !== undefined) this.httpMetrics.track(response);
    this.serve(request, response).catch((error: unknown) => {
      try {
        sendFailure(response, failureOf(error, this.settings.tracebacks));
      } catch {
        // Nothing more can be said on this connection.
        response.destroy();
      }
    });
  };

  /** Closes the pooled proxies and the name server connection. */
  async close(): Promise<void> {
    await this.pool[Symbol.asyncDispose]();
    await this.directory[Symbol.asyncDispose]();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const target = request.url ?? "/";
    const query = target.indexOf("?");
    const path = query < 0 ? target : target.slice(0, query);
    if (!path.startsWith("/")) throw new GatewayError("bad-request", "the request target must be a path");
    const route = routeOf(path, this.settings.prefix);
    switch (route.kind) {
      case "redirect":
        return sendRedirect(response, route.location);
      case "console":
        return this.assets.serve(request, response, this.assets.console.get(route.file));
      case "client":
        return this.assets.serve(request, response, this.assets.client.get(route.file));
    }
    await this.api(request, response, route, new URLSearchParams(query < 0 ? "" : target.slice(query + 1)));
  }

  /** The JSON API: every route but redirects and files. */
  private async api(
    request: IncomingMessage,
    response: ServerResponse,
    route: Exclude<Route, { kind: "redirect" | "console" | "client" }>,
    query: URLSearchParams,
  ) {
    this.origins.decorate(request, response);
    if (request.method === "OPTIONS") return this.origins.preflight(request, response);
    if (request.method !== "GET" && request.method !== "POST") {
      throw new GatewayError("method-not-allowed", `${request.method} is not allowed: use GET or POST`, undefined, { Allow: "GET, POST, OPTIONS" });
    }
    this.origins.checkRequest(request);
    const params = splitParameters(query, "query");
    const body = request.method === "POST" ? await this.readBody(request) : undefined;
    const form = body?.kind === "form" ? splitParameters(body.params, "form") : undefined;
    const controls = requestControls(request.headers, mergeControls(params, form));
    this.keys.check(controls.key);
    const scope = (name: string, method: string, kind: "call" | "meta" | "ping") => ({ name, method, kind, controls, headers: request.headers });
    switch (route.kind) {
      case "names":
        return sendJson(response, 200, await this.directory.list());
      case "stats":
        return sendJson(response, 200, this.stats.snapshot());
      case "metrics":
        return this.sendMetrics(response);
      case "batch":
        if (body?.kind !== "json") throw new GatewayError("bad-request", 'POST the batch as JSON: {"calls": [...]}');
        return this.calls.batch(response, body.value, controls, request.headers);
      case "meta":
        return this.calls.meta(response, scope(route.name, "$meta", "meta"));
      case "ping":
        return this.calls.ping(response, scope(route.name, "$ping", "ping"));
      case "member": {
        const input = this.callArguments(params, form, body?.kind === "json" ? body.value : undefined);
        return this.calls.member(response, scope(route.name, route.member, "call"), input, clientGone(response));
      }
    }
  }

  /** `P/metrics`: the Prometheus text, for a gateway that has metrics (else the path does not exist). */
  private async sendMetrics(response: ServerResponse): Promise<void> {
    const metrics = this.settings.metrics;
    if (metrics === undefined) throw new GatewayError("not-found", "this gateway serves no metrics (start it with --metrics)");
    const text = await metrics.metrics();
    response.writeHead(200, { "Content-Type": metrics.contentType, "Cache-Control": "no-store" });
    response.end(text);
  }

  /** Reads a POST body: JSON (checked for depth) or a form. */
  private async readBody(request: IncomingMessage): Promise<{ kind: "json"; value: unknown } | { kind: "form"; params: URLSearchParams } | undefined> {
    const type = headerText(request.headers, "content-type").split(";")[0]!.trim().toLowerCase();
    const known = type === "" || type === "application/json" || type.endsWith("+json") || type === "application/x-www-form-urlencoded";
    if (!known) {
      throw new GatewayError(
        "unsupported-media-type",
        `unsupported Content-Type ${JSON.stringify(type.slice(0, 80))}: send application/json or a URL-encoded form`,
      );
    }
    const raw = await readBody(request, this.settings.maxBody);
    if (type === "application/x-www-form-urlencoded") return { kind: "form", params: new URLSearchParams(raw.toString("utf8")) };
    if (raw.length === 0) return undefined;
    return { kind: "json", value: parseJson(raw, this.settings.maxDepth, "the JSON body") };
  }

  /** The call's arguments from the query, a form or a JSON body (keyword args from several are merged). */
  private callArguments(query: Parameters, form: Parameters | undefined, json: unknown): CallArguments {
    const fromBody = json === undefined ? {} : bodyArguments(json);
    const fromQuery = jsonControls(query.controls, this.settings.maxDepth);
    const fromForm = form ? jsonControls(form.controls, this.settings.maxDepth) : {};
    const positional = [fromBody.args, fromQuery.args, fromForm.args].filter((args) => args !== undefined);
    if (positional.length > 1) throw new GatewayError("bad-request", "positional arguments given twice (in the body and in $args)");
    return {
      args: positional[0] ?? [],
      kwargs: mergeKwargs(query.kwargs, form?.kwargs ?? {}, fromQuery.kwargs ?? {}, fromForm.kwargs ?? {}, fromBody.kwargs ?? {}),
    };
  }
}

/** Controls from the query and a form together; one given in both is refused. */
function mergeControls(query: Parameters, form: Parameters | undefined): Map<string, string> {
  if (!form) return query.controls;
  const merged = new Map(query.controls);
  for (const [name, value] of form.controls) {
    if (merged.has(name)) throw new GatewayError("bad-request", `control ${name} given in both the query and the form`);
    merged.set(name, value);
  }
  return merged;
}

/** A signal that aborts when the client goes away before its answer is complete. */
function clientGone(response: ServerResponse): AbortSignal {
  const controller = new AbortController();
  response.once("close", () => {
    if (!response.writableFinished) controller.abort(new GatewayError("client-closed", "the client went away"));
  });
  return controller.signal;
}

export type { RequestControls };
