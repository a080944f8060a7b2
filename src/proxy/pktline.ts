/**
 * Enforces the proxy's response size cap on git pkt-line streams, cutting only between whole pkt-lines so the
 * proxy can then append a git error line the client understands (instead of a torn stream that fails with
 * "unexpected end"). Pure: bytes in, bytes out.
 *
 * A body that is not pkt-line framed (an upstream error page) is counted as raw bytes; past the cap it can only
 * be cut off, which the caller does.
 */

const MAX_PKT_LEN = 65520;
const encoder = new TextEncoder();

/** One pkt-line: 4 hex digits of total length, then the payload. */
export function pktLine(payload: string | Uint8Array): Uint8Array {
  const body = typeof payload === 'string' ? encoder.encode(payload) : payload;
  const len = body.length + 4;
  if (len > MAX_PKT_LEN) throw new Error('pkt-line payload too long');
  const out = new Uint8Array(len);
  out.set(encoder.encode(len.toString(16).padStart(4, '0')), 0);
  out.set(body, 4);
  return out;
}

/** An error line in the upload-pack response: side-band channel 3, "fatal error, stream aborts". */
export function sidebandErrorLine(message: string): Uint8Array {
  return pktLine(`\x03${message}\n`);
}

/** An error line in a ref advertisement (git's `ERR <message>` packet). */
export function advertisementErrorLine(message: string): Uint8Array {
  return pktLine(`ERR ${message}\n`);
}

export interface CapStep {
  /** Bytes to forward now (whole pkt-lines, or raw bytes once the stream proved not to be framed). */
  data: Uint8Array;
  /** The cap would be passed by what follows `data`; nothing more may be forwarded. */
  exceeded: boolean;
}

function hexLength(b: Uint8Array, at: number): number | null {
  let n = 0;
  for (let i = at; i < at + 4; i++) {
    const c = b[i] ?? 0;
    const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
    if (d < 0) return null;
    n = n * 16 + d;
  }
  return n;
}

export class PktLineCap {
  private pending: Uint8Array = new Uint8Array(0);
  private framed = true;
  private forwardedBytes = 0;

  constructor(private readonly limit: number) {}

  get forwarded(): number {
    return this.forwardedBytes;
  }

  get isFramed(): boolean {
    return this.framed;
  }

  push(chunk: Uint8Array): CapStep {
    const buf = this.pending.length === 0 ? chunk : concat(this.pending, chunk);
    if (!this.framed) return this.raw(buf);
    let at = 0;
    while (buf.length - at >= 4) {
      const declared = hexLength(buf, at);
      // 0000 flush, 0001 delimiter, 0002 response-end are 4-byte packets; 0003 and over-long lengths are not git.
      if (declared === null || declared === 3 || declared > MAX_PKT_LEN) {
        this.framed = false;
        const done = buf.subarray(0, at);
        this.forwardedBytes += done.length;
        const rest = this.raw(buf.subarray(at));
        return { data: concat(done, rest.data), exceeded: rest.exceeded };
      }
      const len = declared < 4 ? 4 : declared;
      if (buf.length - at < len) break;
      if (this.forwardedBytes + at + len > this.limit) {
        this.forwardedBytes += at;
        this.pending = new Uint8Array(0);
        return { data: buf.subarray(0, at), exceeded: true };
      }
      at += len;
    }
    this.forwardedBytes += at;
    this.pending = buf.slice(at);
    return { data: buf.subarray(0, at), exceeded: false };
  }

  /** At the end of the upstream body: whatever partial line is left (a truncated upstream), within the cap. */
  finish(): CapStep {
    const rest = this.pending;
    this.pending = new Uint8Array(0);
    return this.raw(rest);
  }

  private raw(buf: Uint8Array): CapStep {
    const room = this.limit - this.forwardedBytes;
    if (buf.length > room) {
      this.forwardedBytes = this.limit;
      return { data: new Uint8Array(0), exceeded: true };
    }
    this.forwardedBytes += buf.length;
    return { data: buf, exceeded: false };
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
