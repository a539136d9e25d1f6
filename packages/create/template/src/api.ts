/**
 * What the worker offers, as the client sees it: the name it is registered under and its methods.
 * A proxy turns every method into one returning a Promise.
 */

/** The worker's name in the name server. */
export const GREETER_NAME = "__PROJECT__.greeter";

/** The worker's remote methods. */
export interface GreeterApi {
  /** A greeting for `name`, counting the calls made on this connection. */
  greet(name: string): string;
  /** `x * x`, after 100 ms of pretend work: calls made together run concurrently. */
  slowSquare(x: number): Promise<number>;
}
