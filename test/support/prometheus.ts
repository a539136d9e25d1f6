/**
 * Reading what a Prometheus endpoint serves: scrape it over HTTP and parse the text exposition
 * format into samples (name, labels, value), so suites can check counts after known traffic.
 */

/** One sample line: `name{label="value",...} number`. */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** The samples of a scrape, with lookups by name and labels. */
export class Scrape {
  constructor(
    readonly text: string,
    readonly samples: readonly Sample[],
  ) {}

  /** The samples named `name` whose labels include every one of `labels`. */
  all(name: string, labels: Record<string, string> = {}): Sample[] {
    return this.samples.filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value));
  }

  /** The sum of the values of {@link all}; 0 when none matches. */
  sum(name: string, labels: Record<string, string> = {}): number {
    return this.all(name, labels).reduce((total, sample) => total + sample.value, 0);
  }

  /** The value of the one sample matching; throws when none or several match. */
  value(name: string, labels: Record<string, string> = {}): number {
    const found = this.all(name, labels);
    if (found.length !== 1) throw new Error(`${found.length} samples of ${name} ${JSON.stringify(labels)} in:\n${this.text}`);
    return found[0]!.value;
  }

  /** The distinct values label `label` takes in the samples of `name`. */
  labelValues(name: string, label: string): Set<string> {
    return new Set(this.all(name).map((sample) => sample.labels[label]!));
  }
}

/** Parses the Prometheus text format (comments skipped; label values unescaped). */
export function parseExposition(text: string): Scrape {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a sample line: ${JSON.stringify(line)}`);
    const labels: Record<string, string> = {};
    const labelText = match[2] ?? "";
    const pair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/g;
    for (let m = pair.exec(labelText); m !== null; m = pair.exec(labelText)) {
      labels[m[1]!] = m[2]!.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
    }
    const raw = match[3]!;
    samples.push({ name: match[1]!, labels, value: raw === "+Inf" ? Infinity : raw === "-Inf" ? -Infinity : Number(raw) });
  }
  return new Scrape(text, samples);
}

/** GETs `url` and parses the metrics it answers (throws for a status other than 200). */
export async function scrape(url: string, headers: Record<string, string> = {}): Promise<Scrape> {
  const response = await fetch(url, { headers });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET ${url}: ${response.status} ${text}`);
  return parseExposition(text);
}

/** Scrapes until `check` holds (the daemon sees a closed connection a moment after the client closed it). */
export async function scrapeUntil(url: string, check: (scrape: Scrape) => boolean, timeoutMs = 5000): Promise<Scrape> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await scrape(url);
    if (check(result) || Date.now() > deadline) return result;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
