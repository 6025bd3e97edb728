/**
 * The cohort as an open-addressing hash table that answers "is `text.slice(start, end)` a member?"
 * without making that substring. `Set.has(text.slice(...))` allocates a string and hashes it in the
 * runtime for each of the ~95% of feed rows that are not campaign rows; this reads the member field's
 * characters where they are and compares candidates in place (`startsWith` at an offset).
 */
export class CohortIndex {
  private readonly mask: number;
  private readonly hashes: Int32Array;
  private readonly members: (string | undefined)[];
  readonly size: number;

  constructor(members: Iterable<string>) {
    const unique = members instanceof Set ? (members as Set<string>) : new Set(members);
    let capacity = 16;
    while (capacity < unique.size * 2) capacity *= 2;
    this.mask = capacity - 1;
    this.hashes = new Int32Array(capacity);
    this.members = new Array<string | undefined>(capacity).fill(undefined);
    this.size = unique.size;
    for (const member of unique) {
      const h = hashOf(member, 0, member.length);
      let i = h & this.mask;
      while (this.members[i] !== undefined) i = (i + 1) & this.mask;
      this.members[i] = member;
      this.hashes[i] = h;
    }
  }

  /** Whether `text.slice(start, end)` is a member. */
  has(text: string, start: number, end: number): boolean {
    const h = hashOf(text, start, end);
    const length = end - start;
    for (let i = h & this.mask; ; i = (i + 1) & this.mask) {
      const member = this.members[i];
      if (member === undefined) return false;
      if (this.hashes[i] === h && member.length === length && text.startsWith(member, start)) return true;
    }
  }
}

/** FNV-1a over UTF-16 code units, with a final avalanche so the low bits index well. */
function hashOf(text: string, start: number, end: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = start; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return h ^ (h >>> 12);
}

const indexes = new WeakMap<ReadonlySet<string>, CohortIndex>();

/**
 * The index of a cohort Set, built once per Set (the activities keep one Set per run per worker, so
 * every chunk of a run shares it). A Set whose size changed since is indexed again; a cohort Set is not
 * meant to change while a run uses it.
 */
export function cohortIndexOf(cohort: ReadonlySet<string>): CohortIndex {
  let index = indexes.get(cohort);
  if (index === undefined || index.size !== cohort.size) {
    index = new CohortIndex(cohort);
    indexes.set(cohort, index);
  }
  return index;
}
