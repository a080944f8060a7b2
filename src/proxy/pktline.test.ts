import { describe, expect, it } from 'vitest';
import { PktLineCap, pktLine, sidebandErrorLine } from './pktline.ts';

const text = (b: Uint8Array): string => new TextDecoder().decode(b);

function collect(cap: PktLineCap, chunks: Uint8Array[]): { out: string; exceeded: boolean } {
  let out = '';
  for (const c of chunks) {
    const step = cap.push(c);
    out += text(step.data);
    if (step.exceeded) return { out, exceeded: true };
  }
  const end = cap.finish();
  return { out: out + text(end.data), exceeded: end.exceeded };
}

describe('pktLine', () => {
  it('frames payloads with a 4-hex-digit total length', () => {
    expect(text(pktLine('# service=git-upload-pack\n'))).toBe('001e# service=git-upload-pack\n');
    expect(text(sidebandErrorLine('boom'))).toBe('000a\x03boom\n');
  });
});

describe('PktLineCap', () => {
  const stream = ['0008NAK\n', '0000', text(pktLine('\x01' + 'x'.repeat(100))), text(pktLine('\x01' + 'y'.repeat(100))), '0000'].join('');
  const bytes = new TextEncoder().encode(stream);

  it('passes a stream under the cap unchanged, however it is chunked', () => {
    for (const size of [1, 3, 7, 64, bytes.length]) {
      const chunks: Uint8Array[] = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
      expect(collect(new PktLineCap(10_000), chunks)).toEqual({ out: stream, exceeded: false });
    }
  });

  it('stops at the last whole pkt-line that fits', () => {
    const cap = new PktLineCap(8 + 4 + 105 + 50);
    const r = collect(cap, [bytes.subarray(0, 50), bytes.subarray(50, 200), bytes.subarray(200)]);
    expect(r.exceeded).toBe(true);
    expect(r.out).toBe(stream.slice(0, 8 + 4 + 105));
    expect(cap.forwarded).toBe(117);
  });

  it('a stream of exactly the cap passes', () => {
    expect(collect(new PktLineCap(bytes.length), [bytes]).exceeded).toBe(false);
  });

  it('counts an unframed body as raw bytes', () => {
    const cap = new PktLineCap(20);
    const html = new TextEncoder().encode('<html>not found</html>');
    expect(cap.push(html.subarray(0, 10))).toMatchObject({ exceeded: false });
    expect(cap.isFramed).toBe(false);
    expect(cap.push(html.subarray(10)).exceeded).toBe(true);
  });

  it('treats a body that turns unframed mid-way as raw from there', () => {
    const cap = new PktLineCap(1000);
    const r = collect(cap, [new TextEncoder().encode('0008NAK\nzzzz-garbage')]);
    expect(r).toEqual({ out: '0008NAK\nzzzz-garbage', exceeded: false });
    expect(cap.isFramed).toBe(false);
  });
});
