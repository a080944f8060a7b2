/** A growable little-endian byte buffer for the file writers. */
export class ByteWriter {
  private buffer = new Uint8Array(1 << 16);
  private view = new DataView(this.buffer.buffer);
  length = 0;

  private reserve(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    let size = this.buffer.length;
    while (size < this.length + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
    this.view = new DataView(next.buffer);
  }

  u32(value: number): void {
    this.reserve(4);
    this.view.setUint32(this.length, value, true);
    this.length += 4;
  }

  u64(value: number): void {
    this.reserve(8);
    this.view.setBigUint64(this.length, BigInt(value), true);
    this.length += 8;
  }

  f32(value: number): void {
    this.reserve(4);
    this.view.setFloat32(this.length, value, true);
    this.length += 4;
  }

  bytes(data: Uint8Array): void {
    this.reserve(data.length);
    this.buffer.set(data, this.length);
    this.length += data.length;
  }

  /** float32 values, little-endian whatever the platform's order. */
  floats(data: Float32Array): void {
    this.reserve(data.length * 4);
    for (let i = 0; i < data.length; i++) this.view.setFloat32(this.length + 4 * i, data[i] ?? 0, true);
    this.length += data.length * 4;
  }

  padTo(alignment: number, fill = 0): void {
    const pad = (alignment - (this.length % alignment)) % alignment;
    this.reserve(pad);
    this.buffer.fill(fill, this.length, this.length + pad);
    this.length += pad;
  }

  result(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}
