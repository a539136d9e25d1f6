/**
 * The echo server object, as Pyro4's `Pyro4.test.echoserver` serves it: a fixed target for
 * trying out clients in any language.
 */
import { PythonError, expose, oneway } from "@pyrots/core";

/** Object id the echo server is registered under. */
export const ECHO_OBJECT_ID = "test.echoserver";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Pyro4's echo server object. */
@expose
export class EchoServer {
  /** Set when a client asked the server to stop; the CLI watches it. */
  onShutdown: (() => void) | undefined;
  #verbose = false;

  /** Returns its argument. */
  echo(message: unknown): unknown {
    this.#log("echo", message);
    return message;
  }

  /** Raises a ValueError with Pyro4's text. */
  error(): never {
    this.#log("error", "generating exception");
    throw new PythonError("builtins.ValueError", "expected error from echoserver error() method");
  }

  /** Raises a ValueError with a message. */
  error_with_text(): never {
    this.#log("error", "generating exception");
    throw new PythonError("builtins.ValueError", "the message of the error");
  }

  /** Like echo, but called oneway: the caller does not wait. */
  @oneway
  oneway_echo(message: unknown): string {
    this.#log("oneway_echo", message);
    return "bogus return value";
  }

  /** Answers after 5 seconds (without holding up other clients). */
  async slow(): Promise<string> {
    this.#log("slow", "waiting a bit...");
    await sleep(5000);
    this.#log("slow", "returning result");
    return "Finally, an answer!";
  }

  /** Yields three strings, streamed to the caller one by one. */
  *generator(): Generator<string> {
    yield "one";
    yield "two";
    yield "three";
  }

  /** Not a number. */
  nan(): number {
    return Number.NaN;
  }

  /** Positive infinity. */
  inf(): number {
    return Number.POSITIVE_INFINITY;
  }

  /** Takes 5 seconds, called oneway. */
  @oneway
  async oneway_slow(): Promise<string> {
    this.#log("oneway_slow", "waiting a bit...");
    await sleep(5000);
    this.#log("oneway_slow", "returning result");
    return "bogus return value";
  }

  /** Asks the server to stop after answering. */
  shutdown(): void {
    this.#log("shutdown", "shutting down");
    setImmediate(() => this.onShutdown?.());
  }

  /** Whether calls are printed. */
  get verbose(): boolean {
    return this.#verbose;
  }

  set verbose(onoff: boolean) {
    this.#verbose = Boolean(onoff);
  }

  /** Never reachable remotely: private by name. */
  _private(): string {
    return "should not be allowed";
  }

  /** Never reachable remotely: private by name. */
  __private(): string {
    return "should not be allowed";
  }

  /** Reachable: dunder names may be exposed. */
  __dunder__(): string {
    return "should be allowed (dunder)";
  }

  #log(what: string, detail: unknown): void {
    if (this.#verbose) console.log(`${new Date().toISOString()} - ${what}: ${typeof detail === "string" ? detail : JSON.stringify(detail)}`);
  }
}
