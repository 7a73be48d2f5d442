/**
 * Directory search rules (spec §8 "Directory": "Search matches name, extension, number and e-mail,
 * as the user types"). Pure: how an entry is made searchable, how a query is read, what matches.
 *
 * The rules, exactly:
 * - Case, accents and `ß` are ignored ("mül", "MUL" and "mull" all find "Müller").
 * - A query is split on blanks (and `,` `;`) into terms; an entry matches when EVERY term matches.
 * - A word term matches the start of a word of the first name or of the last name (each name is also
 *   one word as a whole, so "müller-l" finds "Müller-Lüdenscheidt"), the start of the e-mail
 *   address, or the start of a word of the e-mail's local part (split at `.` `_` `-` `+`; words
 *   without a letter are not words). It never matches inside a word.
 * - A digit term (digits only) matches the start of the extension (where the extension is shown to the
 *   searcher), the start of such a word, and — from 3 digits on — any part of the number's digits,
 *   in E.164 (`4930…`) or national (`030…`) form.
 * - A query made only of digits and phone punctuation (`+ - ( ) . /` and blanks) is ONE digit term
 *   with the punctuation dropped ("030 500-12" → `03050012`); with a leading `+` it matches the
 *   start of the E.164 number only ("+49 30" → numbers starting with +4930).
 * - An empty query matches everyone.
 *
 * For speed, an entry's words are kept in separate fields (words starting with a letter, words
 * starting with a digit, the extension, the whole e-mail, the number) so that a term is only looked
 * for where it can match, and each anchored needle has a short prefix key that a block of entries can
 * answer "none here" for without scanning (directory/shard.ts).
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/** Word separator inside a searchable field (and the start of every word). */
export const SEP = '\u0001';
/** Marks the start of the E.164 digits inside the number field. */
export const E164_MARK = '\u0002';

const PLAIN = /^[\x20-\x7e]*$/;

/** Lower case without accents (NFD marks stripped), `ß` as `ss`, control characters dropped. */
export function fold(s: string): string {
  if (PLAIN.test(s)) return s.toLowerCase(); // printable ASCII: nothing else to do (the common case)
  return s.toLowerCase().normalize('NFD').replace(/\p{M}+/gu, '').replace(/ß/g, 'ss').replace(/[\u0000-\u001f\u007f]/g, '');
}

const NAME_SPLIT = /[\s\-'’.,()]+/;
const EMAIL_LOCAL_SPLIT = /[._\-+]+/;

/** The searchable fields of a person (each a run of SEP-prefixed words, '' when empty). */
export interface Searchable {
  /** Words of the names and the e-mail's local part that start with anything but a digit. */
  text: string;
  /** The same, starting with a digit. */
  dtext: string;
  /** The extension. */
  ext: string;
  /** The whole e-mail address (looked in only for terms with an `@`). */
  mail: string;
  /** The number: E164_MARK + E.164 digits, then SEP + national digits. */
  digits: string;
}

export type Field = keyof Searchable;

const nationalCache = new Map<string, string>();

/** The digits of an E.164 number in its national form (`+4930123` → `030123`), '' when unknown. */
export function nationalDigits(e164: string): string {
  let v = nationalCache.get(e164);
  if (v === undefined) {
    v = (parsePhoneNumberFromString(e164)?.formatNational() ?? '').replace(/\D/g, '');
    if (nationalCache.size > 200_000) nationalCache.clear();
    nationalCache.set(e164, v);
  }
  return v;
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/** Builds the searchable fields of a person. */
export function searchable(p: { firstName: string; lastName: string; email: string; extension: string | null; number: string | null }): Searchable {
  const words = new Set<string>();
  for (const name of [p.firstName, p.lastName]) {
    const f = fold(name).trim();
    if (f) words.add(f);
    for (const w of f.split(NAME_SPLIT)) if (w) words.add(w);
  }
  const mail = fold(p.email).trim();
  const local = mail.split('@')[0] ?? '';
  if (local) words.add(local);
  for (const w of local.split(EMAIL_LOCAL_SPLIT)) if (w && /\p{L}/u.test(w)) words.add(w);
  let text = '';
  let dtext = '';
  for (const w of words) {
    if (isDigit(w[0])) dtext += SEP + w;
    else text += SEP + w;
  }
  let digits = '';
  if (p.number) {
    const e = p.number.replace(/\D/g, '');
    const national = nationalDigits(p.number);
    digits = E164_MARK + e + (national && national !== e ? SEP + national : '');
  }
  return { text, dtext, ext: p.extension ? SEP + p.extension : '', mail: mail ? SEP + mail : '', digits };
}

export type Term =
  | { kind: 'word'; text: string }
  | { kind: 'digits'; digits: string }
  | { kind: 'e164'; digits: string };

const PHONE_LIKE = /^[+\d\s\-().\/]+$/;

/** Reads a query into terms (see the rules above). */
export function parseQuery(q: string): Term[] {
  const s = q.replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
  if (!s) return [];
  if (PHONE_LIKE.test(s) && /\d/.test(s)) {
    const digits = s.replace(/\D/g, '');
    return [s.startsWith('+') ? { kind: 'e164', digits } : { kind: 'digits', digits }];
  }
  const terms: Term[] = [];
  for (const raw of s.split(/[\s,;]+/)) {
    if (/^\+\d+$/.test(raw)) terms.push({ kind: 'e164', digits: raw.slice(1) });
    else if (/^\d+$/.test(raw)) terms.push({ kind: 'digits', digits: raw });
    else {
      const text = fold(raw);
      if (/[\p{L}\p{N}]/u.test(text)) terms.push({ kind: 'word', text });
    }
  }
  return terms;
}

/** How many leading characters of a word the block filter keys on. */
export const KEY_LENGTH = 4;
const CODE: Record<Field, string> = { text: 't', dtext: 'd', ext: 'x', mail: 'm', digits: 'e' };
/** Key code of a run of digits inside a number. */
const GRAM = 'g';

/** One way a term can match: a pattern looked for (indexOf) in one field. */
export interface Needle {
  field: Field;
  pattern: string;
  /**
   * The key a block of entries must hold to contain the needle: for a needle anchored at a word
   * start, the field code + the word's first characters; for a number fragment, `g` + its first
   * digits (see {@link PrefixFilter}).
   */
  key: string | null;
}

const anchored = (field: Field, word: string): Needle => ({ field, pattern: (field === 'digits' ? E164_MARK : SEP) + word, key: CODE[field] + word.slice(0, KEY_LENGTH) });

/** Shortest digit term matched anywhere inside a number (shorter ones match too much to help). */
export const MIN_NUMBER_FRAGMENT = 3;

/**
 * The needles of a term: the entry matches the term when any needle occurs in its field.
 * @param matchExtension whether extensions may be searched (false where a federation hides them)
 */
export function needlesOf(t: Term, matchExtension: boolean): Needle[] {
  switch (t.kind) {
    case 'word': {
      if (t.text.includes('@')) return [anchored('mail', t.text)];
      return [anchored(isDigit(t.text[0]) ? 'dtext' : 'text', t.text)];
    }
    case 'digits': {
      const out: Needle[] = [anchored('dtext', t.digits)];
      if (matchExtension) out.push(anchored('ext', t.digits));
      if (t.digits.length >= MIN_NUMBER_FRAGMENT) out.push({ field: 'digits', pattern: t.digits, key: GRAM + t.digits.slice(0, MIN_NUMBER_FRAGMENT) });
      return out;
    }
    case 'e164':
      return [anchored('digits', t.digits)];
  }
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 16777619;
const mix = (h: number, c: number): number => Math.imul(h ^ c, FNV_PRIME) >>> 0;

/**
 * A Bloom filter over the word-start keys of a block of entries (field code + each of a word's first
 * 1–4 characters): "no" means no word of the block starts so, "yes" may be wrong (then the block is
 * scanned for nothing). Two bits per key in 32,768: a few hundred entries give a few per cent false
 * "yes". Plain typed memory, so a large index costs the garbage collector nothing.
 */
export class PrefixFilter {
  static readonly BITS = 1 << 15;
  private readonly bits = new Uint32Array(PrefixFilter.BITS / 32);

  private set(h: number): void {
    const a = h & (PrefixFilter.BITS - 1);
    const b = (h >>> 15) & (PrefixFilter.BITS - 1);
    this.bits[a >>> 5]! |= 1 << (a & 31);
    this.bits[b >>> 5]! |= 1 << (b & 31);
  }

  private test(h: number): boolean {
    const a = h & (PrefixFilter.BITS - 1);
    const b = (h >>> 15) & (PrefixFilter.BITS - 1);
    return (this.bits[a >>> 5]! & (1 << (a & 31))) !== 0 && (this.bits[b >>> 5]! & (1 << (b & 31))) !== 0;
  }

  /** Adds the keys of every word of a searchable field (words start after SEP, or after E164_MARK in `digits`). */
  add(s: Searchable): void {
    for (const f of ['text', 'dtext', 'ext', 'mail', 'digits'] as const) {
      const v = s[f];
      const mark = f === 'digits' ? E164_MARK : SEP;
      const code = CODE[f].charCodeAt(0);
      for (let i = v.indexOf(mark); i >= 0; i = v.indexOf(mark, i + 1)) {
        let h = mix(FNV_OFFSET, code);
        for (let l = 1; l <= KEY_LENGTH; l++) {
          const c = v.charCodeAt(i + l);
          if (Number.isNaN(c) || c < 3) break; // end of the field or the next word
          h = mix(h, c);
          this.set(h);
        }
      }
    }
    // Every run of MIN_NUMBER_FRAGMENT digits inside the number (both forms), for fragment needles.
    const d = s.digits;
    const g = GRAM.charCodeAt(0);
    for (let i = 0; i + MIN_NUMBER_FRAGMENT <= d.length; i++) {
      let h = mix(FNV_OFFSET, g);
      let l = 0;
      for (; l < MIN_NUMBER_FRAGMENT; l++) {
        const c = d.charCodeAt(i + l);
        if (c < 48 || c > 57) break;
        h = mix(h, c);
      }
      if (l === MIN_NUMBER_FRAGMENT) this.set(h);
    }
  }

  /** False when no word of the block can hold the needle's key (see {@link Needle.key}). */
  mayHold(key: string): boolean {
    let h = FNV_OFFSET;
    for (let i = 0; i < key.length; i++) h = mix(h, key.charCodeAt(i));
    return this.test(h);
  }
}

/** Whether one entry matches every term, given each term's needles. */
export const matchesAll = (e: Searchable, needles: readonly (readonly Needle[])[]): boolean =>
  needles.every((ns) => ns.some((n) => e[n.field].includes(n.pattern)));

/** The term to drive a scan with: the longest (most selective) one. */
export function driverIndex(terms: readonly Term[]): number {
  let best = 0;
  let len = -1;
  terms.forEach((t, i) => {
    const l = t.kind === 'word' ? t.text.length : t.digits.length;
    if (l > len) {
      len = l;
      best = i;
    }
  });
  return best;
}

/** The sort key of a directory entry: last name, first name (folded), then id; compared as strings. */
export const sortKey = (lastName: string, firstName: string, id: string): string => `${fold(lastName)}\u0000${fold(firstName)}\u0000${id}`;
