/**
 * Bounded label sets. Every label set a metric has ever seen stays in its registry (and in every
 * scrape) for the life of the process, so each metric keeps at most a fixed number of them; past
 * that, observations are counted under {@link OTHER} and the overflow is itself counted.
 */

/** The label value an observation is counted under once its metric is full. */
export const OTHER = "<other>";

/** Receives one count per observation folded into {@link OTHER}. */
export type OverflowCounter = (metric: string) => void;

/** The label sets one metric admits: the first `max` seen, then {@link OTHER}. */
export class SeriesLimit<L extends string> {
  private readonly seen = new Set<string>();
  private readonly other: Readonly<Record<L, string>>;

  constructor(
    /** The metric's name, for the overflow count. */
    readonly metric: string,
    private readonly labelNames: readonly L[],
    /** Most label sets kept. */
    readonly max: number,
    private readonly overflow: OverflowCounter,
  ) {
    this.other = Object.freeze(Object.fromEntries(labelNames.map((name) => [name, OTHER])) as Record<L, string>);
  }

  /** Label sets admitted so far. */
  get size(): number {
    return this.seen.size;
  }

  /** `labels` while the metric has room for them (or has them already); the {@link OTHER} set otherwise. */
  admit(labels: Readonly<Record<L, string>>): Readonly<Record<L, string>> {
    let key = "";
    for (const name of this.labelNames) key += `${labels[name]}\u0000`;
    if (this.seen.has(key)) return labels;
    if (this.seen.size < this.max) {
      this.seen.add(key);
      return labels;
    }
    this.overflow(this.metric);
    return this.other;
  }
}
