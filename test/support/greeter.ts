/**
 * A minimal exposed class for suites that test the transport around a call, not the call itself
 * (TLS, HMAC).
 */
import { expose } from "@pyrots/core";

/** Answers `hello(name)` with `"hello " + name`. */
@expose
export class Greeter {
  hello(name: string): string {
    return `hello ${name}`;
  }
}

/** The remote API of {@link Greeter}. */
export interface GreeterApi {
  hello(name: string): string;
}
