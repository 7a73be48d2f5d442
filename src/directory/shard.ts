/**
 * One account's part of the directory index: its people sorted by (last name, first name, id), kept
 * in blocks of a few hundred. For the search, each block keeps (built lazily, again after a change)
 * its people's searchable fields concatenated in order — so a term is found with one native
 * `indexOf` per block instead of one test per person — and a filter of the word starts in the block
 * (search.ts PrefixFilter), so a block that cannot hold a term is skipped without scanning. A change
 * touches one block only.
 */
import { driverIndex, matchesAll, needlesOf, PrefixFilter, searchable, sortKey, type Field, type Needle, type Searchable, type Term } from './search.ts';

/** A person as the directory knows them (every field; what a searcher sees is decided by the service). */
export interface Person {
  id: string;
  accountId: string;
  firstName: string;
  lastName: string;
  email: string;
  extension: string | null;
  numberId: string | null;
  number: string | null;
  presence: string;
  profileImageUrl: string | null;
}

export interface Entry extends Person {
  key: string;
  s: Searchable;
}

/** Builds the searchable entry of a person. */
export const toEntry = (p: Person): Entry => ({ ...p, key: sortKey(p.lastName, p.firstName, p.id), s: searchable(p) });

const FIELDS: Field[] = ['text', 'dtext', 'ext', 'mail', 'digits'];
/** Entries per block: a block is split when it grows past twice this. */
export const BLOCK = 256;

/** Index of the first element of `a` (ascending) greater than `v`. */
function upperBound(a: Int32Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first entry whose key is greater than `key` (or ≥ when `inclusive`). */
function seek(entries: readonly Entry[], key: string, inclusive: boolean): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const k = entries[mid]!.key;
    if (k < key || (!inclusive && k === key)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

class Block {
  private packed: { all: Record<Field, string>; starts: Record<Field, Int32Array>; keys: PrefixFilter } | null = null;
  constructor(public entries: Entry[]) {}

  changed(): void {
    this.packed = null;
  }

  pack(): NonNullable<Block['packed']> {
    if (this.packed) return this.packed;
    const n = this.entries.length;
    const all = {} as Record<Field, string>;
    const starts = {} as Record<Field, Int32Array>;
    for (const f of FIELDS) {
      const s = new Int32Array(n + 1);
      let text = '';
      for (let i = 0; i < n; i++) {
        s[i] = text.length;
        text += this.entries[i]!.s[f];
      }
      s[n] = text.length;
      all[f] = text;
      starts[f] = s;
    }
    const keys = new PrefixFilter();
    for (const e of this.entries) keys.add(e.s);
    this.packed = { all, starts, keys };
    return this.packed;
  }

  /** Whether some needle of every term may occur in this block (false: skip it). */
  mayHold(needles: readonly (readonly Needle[])[]): boolean {
    const { keys } = this.pack();
    return needles.every((ns) => ns.some((n) => n.key === null || keys.mayHold(n.key)));
  }

  /** The first entry at or after `from` containing the needle, or Infinity. */
  next(n: Needle, from: number): number {
    const p = this.pack();
    if (n.key !== null && !p.keys.mayHold(n.key)) return Infinity;
    const starts = p.starts[n.field];
    const at = p.all[n.field].indexOf(n.pattern, starts[from]!);
    return at < 0 ? Infinity : upperBound(starts, at) - 1;
  }
}

export class Shard {
  /** Non-empty blocks in key order (one empty block when the shard is empty). */
  private blocks: Block[] = [new Block([])];
  private readonly byId = new Map<string, Entry>();

  constructor(readonly accountId: string, public name: string) {}

  get size(): number {
    return this.byId.size;
  }

  get(id: string): Entry | undefined {
    return this.byId.get(id);
  }

  /** Prepares every block for searching now rather than on first use (after a build). */
  prepare(): void {
    for (const b of this.blocks) b.pack();
  }

  /** Replaces every entry (initial load, re-index). */
  reset(people: Person[]): void {
    const entries = people.map(toEntry).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    this.byId.clear();
    for (const e of entries) this.byId.set(e.id, e);
    this.blocks = [];
    for (let i = 0; i < entries.length; i += BLOCK) this.blocks.push(new Block(entries.slice(i, i + BLOCK)));
    if (this.blocks.length === 0) this.blocks.push(new Block([]));
  }

  /** The block that holds (or would hold) `key`: the last whose first key is ≤ key. */
  private blockOf(key: string): number {
    let lo = 0;
    let hi = this.blocks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      const first = this.blocks[mid]!.entries[0];
      if (first && first.key <= key) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Adds or replaces a person. */
  upsert(p: Person): Entry {
    this.remove(p.id);
    const e = toEntry(p);
    const bi = this.blockOf(e.key);
    const b = this.blocks[bi]!;
    b.entries.splice(seek(b.entries, e.key, true), 0, e);
    b.changed();
    if (b.entries.length > 2 * BLOCK) this.blocks.splice(bi, 1, new Block(b.entries.slice(0, BLOCK)), new Block(b.entries.slice(BLOCK)));
    this.byId.set(e.id, e);
    return e;
  }

  remove(id: string): Entry | undefined {
    const old = this.byId.get(id);
    if (!old) return undefined;
    this.byId.delete(id);
    const bi = this.blockOf(old.key);
    const b = this.blocks[bi]!;
    const i = seek(b.entries, old.key, true);
    if (b.entries[i]?.id === id) b.entries.splice(i, 1);
    else b.entries = b.entries.filter((e) => e.id !== id); // never expected; keeps the index whole
    b.changed();
    if (b.entries.length === 0 && this.blocks.length > 1) this.blocks.splice(bi, 1);
    return old;
  }

  /**
   * The entries after `afterKey` that match every term, in order, lazily.
   * @param matchExtension whether extensions may be searched (false where a federation hides them)
   */
  *matches(terms: readonly Term[], afterKey: string | null, matchExtension: boolean): Generator<Entry, void, undefined> {
    let bi = afterKey === null ? 0 : this.blockOf(afterKey);
    let pos = afterKey === null ? 0 : seek(this.blocks[bi]!.entries, afterKey, false);
    const needles = terms.map((t) => needlesOf(t, matchExtension));
    const d = driverIndex(terms);
    const driver = needles[d] ?? [];
    const rest = needles.filter((_, i) => i !== d);
    for (; bi < this.blocks.length; bi++, pos = 0) {
      const b = this.blocks[bi]!;
      const entries = b.entries;
      if (terms.length === 0) {
        for (; pos < entries.length; pos++) yield entries[pos]!;
        continue;
      }
      if (!b.mayHold(needles)) continue;
      const next = driver.map(() => -1);
      while (pos < entries.length) {
        // For every needle of the driving term: the first entry at or after `pos` containing it.
        let cand = Infinity;
        for (let i = 0; i < driver.length; i++) {
          if (next[i]! < pos) next[i] = b.next(driver[i]!, pos);
          if (next[i]! < cand) cand = next[i]!;
        }
        if (cand === Infinity) break;
        pos = cand + 1;
        const e = entries[cand]!;
        if (rest.length === 0 || matchesAll(e.s, rest)) yield e;
      }
    }
  }
}
