/**
 * Character classes of the SIP grammar (RFC 3261 §25.1), as bit flags over US-ASCII so the scanners test a
 * character with one array read. Every scanner in this folder is a single forward pass: linear time on
 * any input, no regular expressions on attacker-controlled text.
 */

export const C_TOKEN = 1; // token (§25.1)
export const C_UNRESERVED = 2; // alphanum / mark
export const C_USER = 4; // user: unreserved / user-unreserved (escapes handled by the scanners)
export const C_PASSWORD = 8; // password: unreserved / "&" / "=" / "+" / "$" / ","
export const C_PARAM = 16; // paramchar: param-unreserved / unreserved
export const C_HNV = 32; // hname / hvalue: hnv-unreserved / unreserved
export const C_HOST = 64; // hostname characters (alphanum, "-", "."; "_" tolerated, see uri.ts)
export const C_URIC = 128; // uric of RFC 2396 plus "[" "]" (RFC 2732), for URIs of other schemes
export const C_WORD = 256; // word (Call-ID, §25.1)
export const C_DIGIT = 512;
export const C_HEX = 1024;
export const C_ALPHA = 2048;

export const CHARS = new Uint16Array(128);

function add(flag: number, chars: string): void {
  for (let i = 0; i < chars.length; i++) CHARS[chars.charCodeAt(i)]! |= flag;
}

const ALPHA = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGIT = '0123456789';
const ALNUM = ALPHA + DIGIT;
const MARK = "-_.!~*'()";
const UNRESERVED = ALNUM + MARK;

add(C_ALPHA, ALPHA);
add(C_DIGIT, DIGIT);
add(C_HEX, DIGIT + 'abcdefABCDEF');
add(C_TOKEN, ALNUM + "-.!%*_+`'~");
add(C_UNRESERVED, UNRESERVED);
add(C_USER, UNRESERVED + '&=+$,;?/');
add(C_PASSWORD, UNRESERVED + '&=+$,');
add(C_PARAM, UNRESERVED + '[]/:&+$');
add(C_HNV, UNRESERVED + '[]/?:+$');
add(C_HOST, ALNUM + '-._');
add(C_URIC, UNRESERVED + ';/?:@&=+$,[]');
add(C_WORD, ALNUM + '-.!%*_+`\'~()<>:\\"/[]?{}');

/** True when the character code is in the class (codes ≥ 128 never are). */
export function is(code: number, flag: number): boolean {
  return code < 128 && (CHARS[code]! & flag) !== 0;
}

export const SP = 0x20;
export const HTAB = 0x09;
export const CR = 0x0d;
export const LF = 0x0a;
export const DQUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const PERCENT = 0x25;
export const COLON = 0x3a;
export const SEMI = 0x3b;
export const COMMA = 0x2c;
export const SLASH = 0x2f;
export const EQUAL = 0x3d;
export const LAQUOT = 0x3c;
export const RAQUOT = 0x3e;
export const AT = 0x40;
export const QUESTION = 0x3f;
export const AMP = 0x26;
export const LBRACKET = 0x5b;
export const RBRACKET = 0x5d;

/** Index of the first character at or after `i` that is not SP or HTAB (values are unfolded: LWS is SP/HTAB). */
export function skipWs(s: string, i: number): number {
  const n = s.length;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c !== SP && c !== HTAB) break;
    i++;
  }
  return i;
}

/** Index just past a run of characters of the class, starting at `i`. */
export function scan(s: string, i: number, flag: number): number {
  const n = s.length;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c >= 128 || (CHARS[c]! & flag) === 0) break;
    i++;
  }
  return i;
}

/** True when s is a non-empty token (RFC 3261 §25.1). */
export function isToken(s: string): boolean {
  return s.length > 0 && scan(s, 0, C_TOKEN) === s.length;
}
