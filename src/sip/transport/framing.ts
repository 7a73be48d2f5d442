/**
 * Framing of SIP messages on a byte stream (RFC 3261 §18.3): a message is its header section up to the
 * empty line (CRLFCRLF) plus Content-Length octets of body. Between messages, RFC 5626 §3.5.1 keep-alives:
 * a double CRLF "ping" (the caller answers it with a single CRLF "pong"); a lone CRLF is ignored
 * (§7.5 allows CRLFs before a start line).
 *
 * A stream that cannot be framed (no end of headers within the size limit, an unreadable or conflicting
 * Content-Length, a message over the limit) is a framing error: the connection must be closed, since the
 * next message boundary cannot be found.
 *
 * Work is linear in the bytes received however they are split: partial data is appended to a buffer
 * that grows by doubling, the CRLFCRLF search resumes where it stopped, and the Content-Length of a
 * message is read once.
 */

const CRLFCRLF = Buffer.from('\r\n\r\n', 'latin1');
const CR = 0x0d;
const LF = 0x0a;

export interface FrameSink {
  message(buf: Buffer): void;
  ping(): void;
}

export class StreamFramer {
  /** Unconsumed bytes are store[start, end). */
  private store: Buffer = Buffer.alloc(0);
  private start = 0;
  private end = 0;
  /** Offset (from the unconsumed start) where the CRLFCRLF search resumes. */
  private searchFrom = 0;
  /** Total size of the message at the unconsumed start once its header section is read, else -1. */
  private expect = -1;

  constructor(private readonly maxMessageBytes: number) {}

  /** Bytes held waiting for the rest of a message. */
  get buffered(): number {
    return this.end - this.start;
  }

  /** Feeds a chunk; emits every complete message and ping. Returns an error text on a framing error. */
  push(chunk: Buffer, sink: FrameSink): string | null {
    const direct = this.end === this.start;
    let data: Buffer;
    if (direct) data = chunk; // nothing pending: work on the chunk itself
    else {
      this.append(chunk);
      data = this.store.subarray(this.start, this.end);
    }
    const consumed = this.scan(data, sink, direct);
    if (typeof consumed === 'string') return consumed;
    this.searchFrom = Math.max(0, this.searchFrom - consumed);
    if (direct) {
      this.start = this.end = 0;
      if (consumed < data.length) this.append(data.subarray(consumed));
    } else {
      this.start += consumed;
      if (this.start === this.end) this.start = this.end = 0;
    }
    return null;
  }

  private append(bytes: Buffer): void {
    const need = this.end - this.start + bytes.length;
    if (this.end + bytes.length > this.store.length) {
      if (need <= this.store.length && this.start > 0) {
        this.store.copyWithin(0, this.start, this.end);
      } else {
        const next = Buffer.allocUnsafe(Math.max(need, 2 * this.store.length, 4096));
        this.store.copy(next, 0, this.start, this.end);
        this.store = next;
      }
      this.end -= this.start;
      this.start = 0;
    }
    bytes.copy(this.store, this.end);
    this.end += bytes.length;
  }

  /** Emits what `data` holds; returns the bytes consumed, or an error text. */
  private scan(data: Buffer, sink: FrameSink, direct: boolean): number | string {
    const len = data.length;
    let pos = 0;
    while (pos < len) {
      if (this.expect < 0) {
        const c = data[pos]!;
        if (c === CR || c === LF) {
          // Keep-alives and stray line ends between messages.
          const rest = len - pos;
          if (rest >= 4 && c === CR && data[pos + 1] === LF && data[pos + 2] === CR && data[pos + 3] === LF) {
            pos += 4;
            sink.ping();
            continue;
          }
          if (rest >= 3 && c === CR && data[pos + 1] === LF && data[pos + 2] !== CR) {
            pos += 2; // a lone CRLF
            continue;
          }
          if (c === LF) {
            pos += 1; // a bare LF: tolerated between messages
            continue;
          }
          if (rest < 4 && isCrlfPrefix(data, pos)) break; // wait: it may become a ping
          if (data[pos + 1] !== LF) return 'bare CR between messages';
          pos += 2;
          continue;
        }
        const headEnd = data.indexOf(CRLFCRLF, Math.max(pos, this.searchFrom));
        if (headEnd < 0) {
          if (len - pos > this.maxMessageBytes) return 'header section larger than the message size limit';
          this.searchFrom = Math.max(pos, len - 3);
          break;
        }
        const cl = contentLength(data, pos, headEnd);
        if (typeof cl === 'string') return cl;
        const total = headEnd + 4 - pos + cl;
        if (total > this.maxMessageBytes) return `message of ${total} bytes over the limit of ${this.maxMessageBytes}`;
        this.expect = total;
      }
      if (len - pos < this.expect) break;
      const end = pos + this.expect;
      // A chunk that is exactly one message is handed over as is; anything else is copied (the store is
      // reused, and a slice would pin the whole chunk in memory).
      sink.message(direct && pos === 0 && end === len ? data : Buffer.from(data.subarray(pos, end)));
      pos = end;
      this.expect = -1;
      this.searchFrom = pos;
    }
    return pos;
  }
}

function isCrlfPrefix(data: Buffer, pos: number): boolean {
  const pattern = [CR, LF, CR, LF];
  for (let i = 0; pos + i < data.length; i++) if (data[pos + i] !== pattern[i]) return false;
  return true;
}

const CL_RE = /(?:^|\r\n)(?:content-length|l)[ \t]*:[ \t]*([^\r\n]*)/gi;

/**
 * The Content-Length of the header section data[start, headEnd) (§18.3, §20.14; compact form `l`).
 * Missing: 0 (the parser then judges the message). Returns an error text when it cannot be used.
 */
function contentLength(data: Buffer, start: number, headEnd: number): number | string {
  const head = data.toString('latin1', start, headEnd);
  CL_RE.lastIndex = 0;
  let value: number | null = null;
  for (let m = CL_RE.exec(head); m; m = CL_RE.exec(head)) {
    const raw = m[1]!.trim();
    if (!/^\d{1,10}$/.test(raw)) return `unreadable Content-Length "${raw.slice(0, 40)}"`;
    const n = Number(raw);
    if (value !== null && value !== n) return 'conflicting Content-Length values';
    value = n;
  }
  return value ?? 0;
}
