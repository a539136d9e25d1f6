/**
 * Port of Pyro4's `examples/distributed-computing2/client.py`: counts the words of Alice in
 * Wonderland with one counter, then with the dispatcher that spreads the work over all counters.
 */
import { Proxy } from "@pyrots/core";
import { print } from "../common/python.js";
import { type Counts, addCounts, mostCommon } from "./counter.js";
import { readZipEntry } from "./zipfile.js";

/** A word counter (or the dispatcher): the counts arrive as a dict. */
interface Counter {
  count(lines: string[]): Record<string, number>;
}

async function wordfreq(book: string[], counterUri: string): Promise<void> {
  const begin = performance.now();
  let totals: Counts;
  {
    await using counter = new Proxy<Counter>(counterUri);
    totals = addCounts(new Map(), Object.entries(await counter.count(book)));
  }
  const timeTaken = Math.round((performance.now() - begin) / 10) / 100;
  print("Top five words:");
  for (const [word, counts] of mostCommon(totals, 5)) print(`  ${word} (${counts})`);
  print("Time taken:", timeTaken, "sec.");
}

const book = readZipEntry("alice.zip", "alice.txt")
  .toString("utf8")
  .split(/\r\n|\r|\n/);
if (book.at(-1) === "") book.pop(); // splitlines() makes no line of the final newline
print(`(book text consists of ${book.length} lines total)`);
print("(artificial delays are used to dramatize the differences in execution time)");

print("\nCounting the words using a single counter...");
await wordfreq(book, "PYRONAME:example.dc.wordcount.1");

print("\nCounting words using multiple parallel counters...");
await wordfreq(book, "PYRONAME:example.dc.dispatcher");
