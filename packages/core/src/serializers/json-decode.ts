/**
 * json payloads to values, within the receiver's {@link DecodeLimits}.
 *
 * | step                                   | what it does                                              |
 * | -------------------------------------- | --------------------------------------------------------- |
 * | native `JSON.parse`                    | the fast path; keeps a `__proto__` key as an own property |
 * | one walk over the parsed value         | refuses nesting deeper than `maxDepth`; turns Pyro's `{"data", "encoding": "base64"}` dicts into Buffers and class dicts into their values (classes.ts); notices integers beyond ±2^53 |
 * | slow parser (json-text.ts)             | for text JSON.parse refuses (Python's `NaN`, `Infinity`) or rounds (integers beyond ±2^53, then kept exact as bigint) |
 *
 * Measured on Node 20, JSON.parse's values take at most about {@link JSON_WORST_EXPANSION} heap
 * bytes per byte of text (a list of empty objects), so it cannot overspend a budget of that many
 * times the payload's length. When the budget is smaller (a `maxCost` below it for a large
 * payload, or a small `expansion`), the slow parser builds the value, counting as it goes.
 */
import { costBudget, tooDeep } from "./budget.js";
import { CLASS_KEY, asSerializeError } from "./classes.js";
import { PYRO4_DIALECT, type PyroDialect } from "./dialect.js";
import { parsePython } from "./json-text.js";
import type { DecodeContext } from "./types.js";

/** Heap bytes per byte of JSON text that JSON.parse's values take at most (`[{},{},...]`). */
export const JSON_WORST_EXPANSION = 24;

/** Decodes json `text` (a payload of `length` bytes) within `context.limits`. */
export function decodeJsonText(text: string, length: number, context: DecodeContext, dialect: PyroDialect = PYRO4_DIALECT): unknown {
  const limits = context.limits;
  const budget = costBudget(length, limits);
  const walk = new JsonWalk(context, limits.maxDepth, dialect);
  try {
    // JSON.parse cannot be stopped half-way: when its worst case would overspend the budget, the
    // slow parser builds the value instead, counting as it goes.
    if (JSON_WORST_EXPANSION * length > budget) return walk.value(parsePython(text, limits.maxDepth, budget, length));
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return walk.value(parsePython(text, limits.maxDepth));
    }
    const revived = walk.value(value);
    if (!walk.inexact) return revived;
    // JSON.parse may have rounded an integer: parse again, keeping such integers as bigint.
    return new JsonWalk(context, limits.maxDepth, dialect).value(parsePython(text, limits.maxDepth));
  } catch (error) {
    throw asSerializeError(error, "invalid json data");
  }
}

/** A parsed object as the application gets it: a bytes dict as Buffer, a class dict as its value. */
function finishRecord(record: Record<string, unknown>, count: number, classDict: boolean, context: DecodeContext, dialect: PyroDialect): unknown {
  if (count === 2 && record.encoding === "base64" && typeof record.data === "string") return Buffer.from(record.data, "base64");
  return classDict ? dialect.reviveClassDict(record, context) : record;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** One walk over a parsed value; revives in place (see the table above). */
class JsonWalk {
  /** Set when a number beyond ±2^53 was met: JSON.parse may have rounded an integer. */
  inexact = false;

  constructor(
    private readonly context: DecodeContext,
    private readonly maxDepth: number,
    private readonly dialect: PyroDialect,
  ) {}

  value(value: unknown): unknown {
    if (typeof value === "object") return value === null ? value : this.container(value, 0);
    this.scalar(value);
    return value;
  }

  private container(value: object, depth: number): unknown {
    if (depth >= this.maxDepth) throw tooDeep("json", this.maxDepth);
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (typeof item === "object") {
          if (item !== null) value[i] = this.container(item, depth + 1);
        } else this.scalar(item);
      }
      return value;
    }
    const record = value as Record<string, unknown>;
    let count = 0;
    let classDict = false;
    for (const key in record) {
      count++;
      // One length test keeps the common case fast ("__class__" has 9 characters).
      if (key.length === 9 && key === CLASS_KEY) classDict = true;
      const item = record[key];
      if (typeof item === "object") {
        // An own "__proto__" key (JSON.parse makes one) is assigned as the own data property it is.
        if (item !== null) record[key] = this.container(item, depth + 1);
      } else this.scalar(item);
    }
    return finishRecord(record, count, classDict, this.context, this.dialect);
  }

  private scalar(value: unknown): void {
    if (typeof value === "number" && (value > MAX_SAFE || value < -MAX_SAFE)) this.inexact = true;
  }
}
