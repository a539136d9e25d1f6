/**
 * The web suites' fixture: a name server and a daemon in this process (loopback only), the
 * objects below registered under `example.*`, and gateways in front of them; plus a small HTTP
 * helper that returns status, headers and body as they came.
 */
import { Daemon, PythonError, currentContext, expose, oneway } from "@pyrots/core";
import { type RunningNameServer, startNameServer } from "@pyrots/nameserver";
import { type Gateway, type GatewayOptions, startGateway } from "@pyrots/web";

/** Log of what the objects saw (oneway notes, closed streams). */
export const seen: string[] = [];

/** The test object, registered as `example.calc` (and under other names by some suites). */
@expose
export class Calc {
  add(a: number, b: number): number {
    return a + b;
  }
  echo(value: unknown): unknown {
    return value;
  }
  kw(a: unknown, b: unknown = 10, c: unknown = 100): unknown {
    return { a, b, c };
  }
  divide(a: number, b: number): number {
    if (b === 0) throw new PythonError("builtins.ZeroDivisionError", "division by zero");
    return a / b;
  }
  *ticks(n: number): Generator<number> {
    try {
      for (let i = 0; i < n; i++) yield i;
    } finally {
      seen.push(`ticks(${n}) closed`);
    }
  }
  *forever(): Generator<number> {
    try {
      for (let i = 0; ; i++) yield i;
    } finally {
      seen.push("forever closed");
    }
  }
  *failing(): Generator<number> {
    yield 1;
    throw new RangeError("broken at 2");
  }
  async slow(ms: number): Promise<number> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    seen.push(`slow(${ms}) done`);
    return ms;
  }
  @oneway note(text: string): void {
    seen.push(`note ${text}`);
  }
  get model(): string {
    return "calc-1";
  }
  bytes(n: number): Uint8Array {
    return Buffer.alloc(n, 7);
  }
  big(): bigint {
    return 2n ** 70n;
  }
  nonFinite(): number[] {
    return [NaN, Infinity, -Infinity];
  }
  whoami(): string {
    return "calc";
  }
  /** What the call brought along: its correlation id (as a UUID) and its annotations (as text). */
  context(): { correlationId: string | null; annotations: Record<string, string> } {
    const context = currentContext();
    const hex = context.correlationId ? Buffer.from(context.correlationId).toString("hex") : null;
    const annotations: Record<string, string> = {};
    for (const [id, value] of context.annotations) if (id !== "CORR") annotations[id] = Buffer.from(value).toString();
    return { correlationId: hex && `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`, annotations };
  }
}

/** The remote API of {@link Calc}. */
export interface CalcApi {
  add(a: number, b: number): number;
  echo(value: unknown): unknown;
  kw(a: unknown, b?: unknown, c?: unknown): unknown;
  divide(a: number, b: number): number;
  ticks(n: number): Iterable<number>;
  forever(): Iterable<number>;
  failing(): Iterable<number>;
  slow(ms: number): Promise<number>;
  note(text: string): void;
  readonly model: string;
  bytes(n: number): Uint8Array;
  big(): bigint;
  nonFinite(): number[];
  whoami(): string;
  context(): { correlationId: string | null; annotations: Record<string, string> };
}

/** A name server and a daemon serving {@link Calc}, for gateways to front. */
export interface WebBackend extends AsyncDisposable {
  readonly ns: RunningNameServer;
  readonly daemon: Daemon;
  /** `host` and `port` of the name server, for `GatewayOptions.nameServer`. */
  readonly nameServer: { host: string; port: number };
  /** Registers a `Calc` instance under `id` on the daemon and `name` in the name server. */
  register(name: string, id?: string, metadata?: string[]): Promise<string>;
  /** Starts a gateway on 127.0.0.1 (any port) in front of this name server. */
  gateway(options?: GatewayOptions): Promise<Gateway>;
}

/**
 * A backend and a gateway in front of it for the suite being declared (call it inside `describe`):
 * started in mocha's `before` (after `prepare`, which may register more), closed in its `after`.
 */
export function backendForSuite(prepare?: (backend: WebBackend) => Promise<void>): { readonly backend: WebBackend; readonly gateway: Gateway } {
  let backend: WebBackend | undefined;
  let gateway: Gateway | undefined;
  before(async () => {
    backend = await startBackend();
    await prepare?.(backend);
    gateway = await backend.gateway();
  });
  after(() => backend?.[Symbol.asyncDispose]());
  return {
    get backend() {
      return backend!;
    },
    get gateway() {
      return gateway!;
    },
  };
}

/** Starts the backend with `example.calc` registered (metadata `calc`). */
export async function startBackend(): Promise<WebBackend> {
  const ns = await startNameServer({ host: "127.0.0.1", port: 0, broadcast: false, mdns: false });
  const daemon = await Daemon.create({ host: "127.0.0.1" });
  const nameServer = { host: "127.0.0.1", port: ns.daemon.port! };
  const gateways: Gateway[] = [];
  const backend: WebBackend = {
    ns,
    daemon,
    nameServer,
    async register(name, id = name, metadata = []) {
      const uri = daemon.register(new Calc(), id).toString();
      await ns.nameserver.register(name, uri, false, metadata);
      return uri;
    },
    async gateway(options = {}) {
      const gateway = await startGateway({ host: "127.0.0.1", port: 0, expose: "example\\.", nameServer, ...options });
      gateways.push(gateway);
      return gateway;
    },
    async [Symbol.asyncDispose]() {
      for (const gateway of gateways) await gateway.close();
      await daemon.shutdown();
      await ns.close();
    },
  };
  await backend.register("example.calc", "calc", ["calc"]);
  return backend;
}

/** An HTTP answer as it came. */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Sends one request with fetch and reads the whole answer. */
export async function http(url: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(url, { redirect: "manual", ...init });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** POSTs `{"args", "kwargs"}` as JSON to `<gateway>pyro/<name>/<method>`. */
export function post(
  gateway: Gateway,
  name: string,
  method: string,
  args: unknown[] = [],
  kwargs: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<Answer> {
  return http(`${gateway.url}pyro/${name}/${method}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify({ args, kwargs }),
  });
}
