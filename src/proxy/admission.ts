/**
 * Bounds what the proxy holds at once, over all requests: how many are in flight, and how many request-body bytes
 * sit in memory. Without it every connection may buffer a body up to the per-request cap (80 clients sending
 * 15.5 MB each once took the process from 74 MB to over 1 GB). Past either bound a request is refused (503).
 */

export interface AdmissionLimits {
  maxConcurrentRequests: number;
  maxBufferedRequestBytes: number;
}

/** One admitted request's share of the limits. */
export interface AdmissionTicket {
  /** Takes `bytes` more of the shared body budget; false (nothing taken) when that would pass the budget. */
  reserveBytes(bytes: number): boolean;
  /** Gives back the request's slot and every byte it reserved. Safe to call more than once. */
  release(): void;
}

export class RequestAdmission {
  private inFlight = 0;
  private bufferedBytes = 0;

  constructor(private readonly limits: AdmissionLimits) {}

  get requestsInFlight(): number {
    return this.inFlight;
  }

  get bytesBuffered(): number {
    return this.bufferedBytes;
  }

  /** A ticket for one more request, or null when as many as allowed are already in flight. */
  admit(): AdmissionTicket | null {
    if (this.inFlight >= this.limits.maxConcurrentRequests) return null;
    this.inFlight++;
    let reserved = 0;
    let released = false;
    return {
      reserveBytes: (bytes) => {
        if (released || this.bufferedBytes + bytes > this.limits.maxBufferedRequestBytes) return false;
        this.bufferedBytes += bytes;
        reserved += bytes;
        return true;
      },
      release: () => {
        if (released) return;
        released = true;
        this.inFlight--;
        this.bufferedBytes -= reserved;
      },
    };
  }
}
