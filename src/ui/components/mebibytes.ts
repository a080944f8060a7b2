/** The size limits are binary (30 MiB = 30 × 2^20 bytes); Settings shows and takes them in MiB, never MB. */
const MIB = 1024 * 1024;

export function bytesToMiB(bytes: number): number {
  return Math.round(bytes / MIB);
}

/** A MiB value from the form (at least 1) in bytes. */
export function mibToBytes(text: string): number {
  return Math.max(1, Math.round(Number(text)) || 1) * MIB;
}
