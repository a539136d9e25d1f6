/**
 * The worker thread of {@link RegexSearcher}: tests one pattern against a list of names and answers
 * with the indexes of those that match. It runs nothing else, so the searcher may terminate it
 * mid-search when a pattern backtracks for too long.
 *
 * Messages in: `{ id, source, flags, names }`; out: `{ ready: true }` once, then `{ id, matches }`.
 */
import { parentPort } from "node:worker_threads";

interface SearchJob {
  id: number;
  source: string;
  flags: string;
  names: string[];
}

const port = parentPort;
if (port === null) throw new Error("regex-worker.js runs as a worker thread of the name server");

port.on("message", (job: SearchJob) => {
  const pattern = new RegExp(job.source, job.flags);
  const matches: number[] = [];
  for (let i = 0; i < job.names.length; i++) if (pattern.test(job.names[i]!)) matches.push(i);
  port.postMessage({ id: job.id, matches });
});
port.postMessage({ ready: true });
