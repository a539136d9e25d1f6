/**
 * Port of Pyro4's `examples/distributed-computing2/servers.py`: five word counters and a dispatcher
 * that splits a text into chunks of 100 lines and has all counters count them at once.
 *
 * Python's asynchronous proxies (`_pyroAsync()`, then `result.value`) become plain concurrent
 * calls: each call is a promise, and `Promise.all` gathers them.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { Proxy, expose, locateNS } from "@pyrots/core";
import { print } from "../common/python.js";
import { serveSimple } from "../common/serve-simple.js";
import { type Counts, addCounts } from "./counter.js";

const FILTER_WORDS = new Set(
  (
    "a an at the i he she s but was has had have and are as be by for if in is it of or that the to with his all any this that " +
    "not from on me him her their so you there now then no yes one were they them which what when who how where some my into up " +
    "out some we us t do"
  ).split(" "),
);
/** Python's `string.punctuation`. */
const PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;
/** Python's `str.isalpha()`: letters only, at least one. */
const ALPHA = /^\p{L}+$/u;

@expose
class WordCounter {
  async count(lines: (string | null)[]): Promise<Counts> {
    const counts: Counts = new Map();
    for (const [num, line] of lines.entries()) {
      if (line) {
        const words = line.replace(PUNCTUATION, " ").toLowerCase().split(/\s+/);
        addCounts(
          counts,
          words.filter((word) => ALPHA.test(word) && !FILTER_WORDS.has(word)).map((word) => [word, 1]),
        );
      }
      // The example's artificial delay, so that counting in parallel shows.
      if (num % 10 === 0) await sleep(10);
    }
    return counts;
  }
}

/** A word counter as the dispatcher calls it: the counts arrive as a dict. */
interface Counter {
  count(lines: (string | null)[]): Record<string, number>;
}

@expose
class Dispatcher {
  async count(lines: (string | null)[]): Promise<Counts> {
    // The name server's prefix lookup finds every registered word counter.
    let allCounters: Record<string, string>;
    {
      await using ns = await locateNS();
      allCounters = await ns.list("example.dc.wordcount.");
    }
    const counters = Object.values(allCounters).map((uri) => new Proxy<Counter>(uri));
    try {
      // Chunks of 100 lines, handed round-robin to the counters, all at once.
      const calls: Promise<Record<string, number>>[] = [];
      for (let start = 0, i = 0; start < lines.length; start += 100, i++) calls.push(counters[i % counters.length]!.count(lines.slice(start, start + 100)));
      print(`Collecting ${calls.length} results...`);
      const totals: Counts = new Map();
      for (const counts of await Promise.all(calls)) addCounts(totals, Object.entries(counts));
      return totals;
    } finally {
      for (const counter of counters) await counter[Symbol.asyncDispose]();
    }
  }
}

print("Spinning up 5 wordcounters, and 1 dispatcher.");
await serveSimple(
  [
    [new WordCounter(), "example.dc.wordcount.1"],
    [new WordCounter(), "example.dc.wordcount.2"],
    [new WordCounter(), "example.dc.wordcount.3"],
    [new WordCounter(), "example.dc.wordcount.4"],
    [new WordCounter(), "example.dc.wordcount.5"],
    [new Dispatcher(), "example.dc.dispatcher"],
  ],
  { verbose: false },
);
