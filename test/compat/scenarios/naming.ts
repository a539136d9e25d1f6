/**
 * Examples built around the name server: ns-metadata (metadata tags, PYROMETA: lookups),
 * stockquotes (markets found by name prefix, quotes streamed), distributed-computing (a dispatcher
 * and workers found by name, work items of an application class), shoppingcart (objects made per
 * customer), usersession (annotations and session instances).
 */
import { collapseFrames, dropLines, events, numbered, sortLines, sortPythonSets } from "../harness/normalize.js";
import type { Scenario } from "../harness/scenario.js";

export const nsMetadata: Scenario = {
  name: "ns-metadata",
  folder: "ns-metadata",
  roles: {
    client: { side: "client", python: ["example.py"], pyrots: { port: "ns-metadata/example.js" } },
  },
  async play(run) {
    await run.nameServer();
    const example = await run.start("client");
    await example.exited();
  },
  // Metadata tags are a set (any order); a proxy describes itself in its own words.
  normalize: (text) =>
    text
      .replace(/^( {3}meta: )(.*)$/gm, (_, head: string, tags: string) => head + tags.split(", ").sort().join(", "))
      .replace(/^( {5})(?:<Pyro4\.core\.Proxy at 0x[0-9a-f]+; (?:not )?connected[^;]*; for (\S+)>|Pyro\.Proxy\((\S+)\))$/gm, "$1<proxy for $2$3>")
      .replace(/PYROMETA:([^\s>@]+)/g, (_, tags: string) => `PYROMETA:${tags.split(",").sort().join(",")}`),
};

/** Quotes are random: each must be a shown symbol of its market with a price; the first `count` are compared. */
function quotes(text: string, count: number): string {
  let seen = 0;
  const out: string[] = [];
  for (const line of text.split("\n")) {
    if (/^\w+\.\w+: /.test(line)) {
      if (++seen > count) continue;
      out.push(/^(?:NASDAQ\.(?:AAPL|MSFT)|NYSE\.IBM): \d+(?:\.\d{1,2})?$/.test(line) ? "<a quote of a shown symbol>" : line);
    } else out.push(line);
  }
  return out.join("\n");
}

const QUOTES = 6;

function stockquotesPhase(phase: 2 | 3): Scenario {
  return {
    name: phase === 2 ? "stockquotes" : "stockquotes (phase 3)",
    folder: "stockquotes",
    roles: {
      server: {
        side: "server",
        cwd: `phase${phase}`,
        python: ["stockmarket.py"],
        pyrots: { port: "stockquotes/stockmarket.js", args: phase === 3 ? ["--host", "127.0.0.1", "--port", "9092"] : [] },
      },
      client: { side: "client", cwd: `phase${phase}`, python: ["viewer.py"], pyrots: { port: "stockquotes/viewer.js" } },
    },
    async play(run) {
      await run.nameServer();
      await run.start("server", { ready: /^Stockmarkets available\.$/ });
      const viewer = await run.start("client");
      // The viewer shows quotes forever: its user stops it.
      await viewer.waitForCount(/^\w+\.\w+: /, QUOTES, 30_000);
      await viewer.stop();
    },
    normalize: (text) => quotes(sortPythonSets(text), QUOTES),
  };
}

export const stockquotes = stockquotesPhase(2);
export const stockquotesPhase3 = stockquotesPhase(3);

/** Quotes the stockquotes-old viewer must show before its user stops it (about one in 4 s per symbol). */
const OLD_QUOTES = 3;

export const stockquotesOld: Scenario = {
  name: "stockquotes-old",
  folder: "stockquotes-old",
  roles: {
    market: { side: "server", cwd: "phase3", python: ["stockmarket.py"], pyrots: { port: "stockquotes-old/stockmarket.js" } },
    aggregator: { side: "server", cwd: "phase3", python: ["aggregator.py"], pyrots: { port: "stockquotes-old/aggregator.js" } },
    viewer: { side: "client", cwd: "phase3", python: ["viewer.py"], pyrots: { port: "stockquotes-old/viewer.js" } },
  },
  async play(run) {
    await run.nameServer();
    const market = await run.start("market", { ready: /^Stockmarkets running\.$/ });
    const aggregator = await run.start("aggregator", { ready: /^Aggregator running\. / });
    const viewer = await run.start("viewer", { input: "AAPL, IBM\n" });
    // Everything runs until stopped: the source first, so that no call is left to meet a stopped program.
    await viewer.waitForCount(/\w+\.\w+: /, OLD_QUOTES, 60_000);
    await market.stop();
    await aggregator.stop();
    await viewer.stop();
  },
  timeoutMs: 90_000,
  // The markets make quotes at random moments (and say so each time); each shown quote must be one
  // of the chosen symbols of its market, with a price (normally distributed around a random mean).
  normalize: (text, info) => {
    if (info.role === "market") return dropLines(text, /^new quotes generated for (?:NASDAQ|NYSE)$/);
    if (info.role !== "viewer") return text;
    let seen = 0;
    return text
      .split("\n")
      .flatMap((line) => {
        const quote = /^(.*?)((?:NASDAQ|NYSE)\.\w+: .*)$/.exec(line);
        if (quote === null) return [line];
        const shown = /^(?:NASDAQ\.AAPL|NYSE\.IBM): -?\d+(?:\.\d{1,2})?$/.test(quote[2]!) ? "<a quote of a chosen symbol>" : quote[2]!;
        const kept = ++seen <= OLD_QUOTES ? [shown] : [];
        // The first quote follows the prompt on its line (input() printed no newline).
        return quote[1] ? [quote[1], ...kept] : kept;
      })
      .join("\n");
  },
};

/** A factorization line `number --> [factors]`, checked: the product of the primes is the number. */
function checkedFactorization(number: string, factors: string): string {
  const primes = factors.split(", ").map(Number);
  const product = primes.reduce((a, b) => a * b, 1);
  const prime = (p: number) => p >= 2 && Array.from({ length: Math.floor(Math.sqrt(p)) - 1 }, (_, i) => i + 2).every((d) => p % d !== 0);
  return product === Number(number) && primes.every(prime) ? "<n> --> <its prime factors>" : `${number} --> [${factors}] (WRONG)`;
}

export const circular: Scenario = {
  name: "circular",
  folder: "circular",
  roles: {
    servA: { side: "server", python: ["servA.py"], pyrots: { port: "circular/servA.js" } },
    servB: { side: "server", python: ["servB.py"], pyrots: { port: "circular/servB.js" } },
    servC: { side: "server", python: ["servC.py"], pyrots: { port: "circular/servC.js" } },
    client: { side: "client", python: ["client.py"], pyrots: { port: "circular/client.js" } },
  },
  async play(run) {
    await run.nameServer();
    const links = [];
    for (const node of ["A", "B", "C"]) links.push(await run.start(`serv${node}`, { ready: new RegExp(`^Server started ${node}$`) }));
    const client = await run.start("client");
    await client.exited();
    // A prints its last line as it answers, which may reach its output just after the client exits.
    await links[0]!.waitFor(/^Back at A; we completed the circle!$/);
    for (const link of links) await link.stop();
  },
};

export const distributedComputing: Scenario = {
  name: "distributed-computing",
  folder: "distributed-computing",
  weight: 2,
  roles: {
    dispatcher: { side: "server", python: ["dispatcher.py"], pyrots: { port: "distributed-computing/dispatcher.js" } },
    worker: { side: "server", python: ["worker.py"], pyrots: { port: "distributed-computing/worker.js" } },
    client: { side: "client", python: ["client.py"], pyrots: { port: "distributed-computing/client.js" } },
  },
  async play(run) {
    await run.nameServer();
    await run.start("dispatcher", { ready: /^Pyro daemon running\.$/ });
    const worker = await run.start("worker", { ready: /^getting work from dispatcher\.$/ });
    const client = await run.start("client");
    await client.exited(90_000);
    await worker.stop();
  },
  timeoutMs: 120_000,
  // The numbers are random: each factorization is checked, then compared as a placeholder. The
  // worker names hold a process id. Until work arrives, the worker may say so every 5 seconds.
  normalize: (text, info) => {
    const out = text
      .replace(/Worker_\d+@[\w.-]+/g, "Worker_<pid>@<host>")
      .replace(/^(\d+) --> \[([\d, ]+)\]$/gm, (_, n: string, f: string) => checkedFactorization(n, f))
      .replace(/^factorizing (\d+) -->\n\[([\d, ]+)\]$/gm, (_, n: string, f: string) => `factorizing ${checkedFactorization(n, f)}`);
    if (info.role === "worker") return dropLines(out, /^no work available yet\.$/);
    // The dispatcher makes a Workitem of each one it receives, from the client and from the worker,
    // in whatever order they arrive.
    return info.role === "dispatcher" ? sortLines(events(out, /^(?:Object|    uri|    name|Pyro daemon).*$|Created workitem \d+/gm)) : out;
  },
};

export const distributedComputing2: Scenario = {
  name: "distributed-computing2",
  folder: "distributed-computing2",
  roles: {
    servers: { side: "server", python: ["servers.py"], pyrots: { port: "distributed-computing2/servers.js" } },
    client: { side: "client", python: ["client.py"], pyrots: { port: "distributed-computing2/client.js" } },
  },
  async play(run) {
    await run.nameServer();
    const servers = await run.start("servers", { ready: /^Spinning up 5 wordcounters, and 1 dispatcher\.$/ });
    // The servers register their names after saying so: the client may look them up once they are in.
    await run.waitForName("example.dc.dispatcher");
    const client = await run.start("client");
    await client.exited(60_000);
    await servers.stop();
  },
  // How long counting takes depends on the machine (the parallel run must be the faster one).
  normalize: (text) => {
    const times = [...text.matchAll(/^Time taken: ([\d.]+) sec\.$/gm)].map((match) => Number(match[1]));
    const faster = times.length === 2 && times[1]! < times[0]! ? "" : " (the parallel run was not faster)";
    return text.replace(/^Time taken: [\d.]+ sec\.$/gm, `Time taken: <t> sec.${faster}`);
  },
};

export const distributedComputing3: Scenario = {
  name: "distributed-computing3",
  folder: "distributed-computing3",
  roles: {
    worker: { side: "server", python: ["worker.py"], pyrots: { port: "distributed-computing3/worker.js" } },
    client: { side: "client", python: ["client.py"], pyrots: { port: "distributed-computing3/client.js" } },
  },
  async play(run) {
    await run.nameServer();
    const worker = await run.start("worker", { ready: /^Starting up worker / });
    const client = await run.start("client");
    await client.exited(60_000);
    await worker.waitForCount(/^ {4}--> /, 100);
    await worker.stop();
  },
  // The numbers are random: each factorization is checked, then compared as a placeholder. The
  // worker's name holds a process id and the host's name.
  normalize: (text) =>
    text
      .replace(/Worker_\d+@[\w.-]+/g, "Worker_<pid>@<host>")
      .replace(/^(\S+) factorized (\d+): \[([\d, ]+)\]$/gm, (_, id: string, n: string, f: string) => `${id} factorized ${checkedFactorization(n, f)}`)
      .replace(
        /^factorize request received for (\d+)\n {4}--> \[([\d, ]+)\]$/gm,
        (_, n: string, f: string) => `factorize request received for ${checkedFactorization(n, f)}`,
      ),
};

const GOODS = "paper|bread|meat|milk|fruit|chocolate|pasta|sauce|vegetables|cookies|pizza|shampoo|whiskey";

export const shoppingcart: Scenario = {
  name: "shoppingcart",
  folder: "shoppingcart",
  roles: {
    server: { side: "server", python: ["shopserver.py"], pyrots: { port: "shoppingcart/shopserver.js" } },
    client: { side: "client", python: ["clients.py"], pyrots: { port: "shoppingcart/clients.js" } },
  },
  async play(run) {
    await run.nameServer();
    await run.start("server", { ready: /^Pyro daemon running\.$/ });
    const client = await run.start("client");
    await client.exited();
  },
  // The customers pick goods at random; a cart's number is Python's id(cart), a memory address.
  normalize: (text) =>
    numbered(collapseFrames(text), /(?<=shoppingcart )(\d+)/g, "cart")
      .replace(new RegExp(`\\b(?:${GOODS})\\b`, "g"), "<item>")
      .replace(/'<item>'/g, "<item>")
      .replace(/^ *(<item>|total:) {2}\d+\.\d\d$/gm, "$1  <price>")
      .replace(/^Receipt Date: .*$/gm, "Receipt Date: <date>"),
};

export const usersession: Scenario = {
  name: "usersession",
  folder: "usersession",
  roles: {
    server: { side: "server", python: ["server.py"], pyrots: { port: "usersession/server.js" } },
    client: { side: "client", python: ["client.py"], pyrots: { port: "usersession/client.js" } },
  },
  // Two threads share one database connection on purpose: which of their calls collide is chance,
  // and each collision's traceback goes to stderr.
  ignoreStderrOf: ["client"],
  async play(run) {
    await run.nameServer();
    await run.start("server", { ready: /^Pyro daemon running\.$/ });
    const client = await run.start("client", { input: "\n\n" });
    await client.exited();
  },
  // The session database is safe: its calls are compared (in any order, the two threads run at
  // once). The singleton one is not, on purpose: which of its calls fail is chance, so its lines
  // are compared as a set (what kinds of lines there are).
  normalize: (text, info) => {
    if (info.role === "server") {
      const lines = events(
        text,
        /^(?:Object|    uri|    name|Pyro daemon).*$|\[\w+\] new instance and connection(?: for user: \w+)?|DB: user \w+ (?:stores: number = \d+|retrieve: number)/gm,
      );
      return sortLines([...new Set(lines.split("\n"))].join("\n"));
    }
    const [safe, unsafe = ""] = text
      .replace(/^(enter to start: )\[/gm, "$1\n[")
      .split(/(?=\n\*\*\*\*\* Multiple concurrent proxies on the Singleton Database)/);
    // (the two session instances share one key-value store, so a thread may read what the other stored)
    const threadLines = safe.replace(/^(\[Thread-\d+\] num=)10[0-2]$/gm, "$1<100 to 102>");
    const sortedThreads = threadLines.replace(/(?:^\[Thread-\d+\] num=<100 to 102>\n?)+/gm, (block) => sortLines(block.trimEnd()) + "\n");
    return sortedThreads + dropLines(unsafe, /^\[Thread-\d+\] num=\d+$/);
  },
};
