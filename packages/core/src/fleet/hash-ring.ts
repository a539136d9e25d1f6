/**
 * Consistent hashing: each member owns many points on a 32-bit ring, and a key belongs to the
 * member of the first point at or after the key's hash. When a member leaves, only the keys it
 * owned move (each to the next point's member); when one joins, it takes keys only from others'
 * arcs. With 160 points per member the members' shares stay within a few percent of even.
 */

/** Points per member on the ring. */
export const POINTS_PER_MEMBER = 160;

/** A 32-bit hash of `text` (FNV-1a over UTF-16 code units, then murmur3's finalizer for spread). */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A ring of members (by name). */
export class HashRing {
  private points = new Uint32Array(0);
  private owners: string[] = [];
  private members = new Set<string>();

  constructor(private readonly pointsPerMember = POINTS_PER_MEMBER) {}

  /** The members on the ring. */
  get size(): number {
    return this.members.size;
  }

  /** Makes the ring hold exactly `members`; a no-op when they are the same as before. */
  setMembers(members: Iterable<string>): void {
    const next = new Set(members);
    if (next.size === this.members.size && [...next].every((m) => this.members.has(m))) return;
    this.members = next;
    const entries: [number, string][] = [];
    for (const member of next) for (let i = 0; i < this.pointsPerMember; i++) entries.push([hash32(`${member}#${i}`), member]);
    // Ties (two points with the same hash) go to the smaller name, so every client builds the same ring.
    entries.sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
    this.points = Uint32Array.from(entries, (e) => e[0]);
    this.owners = entries.map((e) => e[1]);
  }

  /**
   * The member owning `key`: the first one clockwise from the key's hash that `accept` takes
   * (all by default), so that a key whose owner is unavailable goes to the same substitute in
   * every client. Undefined when the ring is empty or no member is accepted.
   */
  owner(key: string, accept?: (member: string) => boolean): string | undefined {
    const count = this.points.length;
    if (count === 0) return undefined;
    let index = this.firstAtOrAfter(hash32(key));
    if (accept === undefined) return this.owners[index % count];
    const seen = new Set<string>();
    for (let step = 0; step < count && seen.size < this.members.size; step++, index++) {
      const member = this.owners[index % count]!;
      if (seen.has(member)) continue;
      seen.add(member);
      if (accept(member)) return member;
    }
    return undefined;
  }

  private firstAtOrAfter(hash: number): number {
    let low = 0;
    let high = this.points.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.points[mid]! < hash) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
