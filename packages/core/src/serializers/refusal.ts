/**
 * Loud failures of the encoders, with the path inside the value: `cannot send
 * args[0].handlers.onDone: a function (…)`, `cannot send args[1].parent.child.parent: a circular
 * reference back to args[1]`.
 *
 * Nothing is tracked while a value is walked. A failure throws a {@link Refusal}; every container
 * the walk is inside catches it on the way out, adds the step it was taking and itself, and throws
 * it on. At the top the steps read as a JS expression from the root (`args`, `kwargs`, `result`,
 * …), and the containers say whether a walk that went too deep was going round a cycle: any cycle
 * makes a walk deeper than {@link MAX_SEND_DEPTH}, so detecting one costs nothing until then.
 */
import { SerializeError, untrustedText } from "../errors.js";

/**
 * Containers nested deeper than this are refused. It is the nesting a pyrots receiver accepts by
 * default (`DEFAULT_DECODE_LIMITS.maxDepth`), so what pyrots sends a pyrots peer reads; Python's
 * serpent stops at 200 levels, its json near 1000.
 */
export const MAX_SEND_DEPTH = 128;

/** One step down into a value: a suffix (`[3]`, `.name`), or a function of the path so far. */
export type Step = string | ((path: string) => string);

/** Why a value cannot be sent, and (filled in on the way out) where it is. */
export class Refusal {
  /** The steps from the root to the refused value, innermost first. */
  readonly steps: Step[] = [];
  /** The containers those steps started from, innermost first. */
  readonly containers: object[] = [];

  /**
   * @param reason what the value is and what to do instead, e.g. `a function (…)`
   * @param value the refused value (for a walk too deep: the container it was about to enter)
   * @param cause an error that a getter or `toJSON` threw
   */
  constructor(
    readonly reason: string,
    readonly value?: unknown,
    readonly cause?: unknown,
  ) {}

  /** The SerializeError for this refusal, its path starting at `root`. */
  toError(root: string): SerializeError {
    const chain = [...this.containers].reverse();
    const steps = [...this.steps].reverse();
    if (this.value !== undefined) chain.push(this.value as object);
    const cycle = this.reason === TOO_DEEP ? findCycle(chain) : undefined;
    if (cycle) {
      const [back, at] = cycle;
      return new SerializeError(`cannot send ${pathOf(root, steps, at)}: a circular reference back to ${pathOf(root, steps, back)}`);
    }
    const options = this.cause === undefined ? undefined : { cause: this.cause };
    return new SerializeError(`cannot send ${pathOf(root, steps, steps.length)}: ${this.reason}`, options);
  }
}

const TOO_DEEP = `nested deeper than ${MAX_SEND_DEPTH} levels (the most a pyrots receiver accepts by default): send it flatter, e.g. a linked list as an array`;

/** The refusal of a container that would nest deeper than {@link MAX_SEND_DEPTH}. */
export function tooDeep(container: object): Refusal {
  return new Refusal(TOO_DEEP, container);
}

/**
 * `error` (thrown while walking the value at `step` inside `container`) as a Refusal that knows
 * that step: a Refusal gets the step added, anything else (a getter or `toJSON` that threw)
 * becomes one.
 */
export function within(error: unknown, container: object, step: Step): Refusal {
  const refusal = error instanceof Refusal ? error : new Refusal(`reading it threw ${thrownText(error)}`, undefined, error);
  refusal.steps.push(step);
  refusal.containers.push(container);
  return refusal;
}

/** The error an encoder throws for `error`: a Refusal as a SerializeError with its path from `root`. */
export function sendError(error: unknown, root: string): unknown {
  return error instanceof Refusal ? error.toError(root) : error;
}

/** The step to array element `index`. */
export function indexStep(index: number): Step {
  return `[${index}]`;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** The step to the property `key`: `.key`, or `["key"]` when it is no identifier. */
export function keyStep(key: string): Step {
  return IDENTIFIER.test(key) ? "." + key : `[${JSON.stringify(key)}]`;
}

/** The step to the value of Map key `key`: `.get(key)`. */
export function mapStep(key: unknown): Step {
  return `.get(${keyText(key)})`;
}

/** The step to the `index`th item of a Set: `[...set][index]`. */
export function setStep(index: number): Step {
  return (path) => `[...${path}][${index}]`;
}

/** A Map key as JS source text, for paths and messages. */
export function keyText(key: unknown): string {
  if (typeof key === "string") return JSON.stringify(key.length > 40 ? key.slice(0, 40) + "…" : key);
  if (typeof key === "bigint") return `${key}n`;
  if (typeof key === "symbol") return key.toString();
  if (typeof key === "function") return "a function";
  if (key !== null && typeof key === "object") return "an object";
  return String(key);
}

/** Paths longer than this many characters are shown by their start and end. */
const PATH_SHOWN = 240;

function pathOf(root: string, steps: readonly Step[], count: number): string {
  let path = root;
  for (let i = 0; i < count; i++) {
    const step = steps[i]!;
    path = typeof step === "string" ? path + step : step(path);
  }
  return path.length > PATH_SHOWN ? `${path.slice(0, PATH_SHOWN / 2)}…${path.slice(-PATH_SHOWN / 2)}` : path;
}

/** The first value of `chain` met again further down, as [first index, index met again]. */
function findCycle(chain: readonly unknown[]): [number, number] | undefined {
  const seen = new Map<unknown, number>();
  for (let i = 0; i < chain.length; i++) {
    const first = seen.get(chain[i]);
    if (first !== undefined) return [first, i];
    seen.set(chain[i], i);
  }
  return undefined;
}

function thrownText(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : untrustedText(error);
  return text.length > 200 ? text.slice(0, 200) + "…" : text;
}
