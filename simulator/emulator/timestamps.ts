// Timestamps inside a sliding window, oldest first. Breakers and rate-limit-by-key keep every call of
// their interval; at thousands of calls a minute, copying that list on every call (filter) cost more
// than the rest of a request and kept the young generation full of survivors (long GC pauses). Here a
// call appends, expiry moves a head index, and the array is compacted only once half of it is expired.
export class TimestampWindow {
  private times: number[] = [];
  private head = 0;

  /** Forgets every timestamp at or before `since`. */
  expire(since: number): void {
    const times = this.times;
    let head = this.head;
    while (head < times.length && times[head]! <= since) head++;
    if (head > 32 && head * 2 > times.length) {
      this.times = times.slice(head);
      head = 0;
    }
    this.head = head;
  }

  push(t: number): void {
    this.times.push(t);
  }

  clear(): void {
    this.times = [];
    this.head = 0;
  }

  get size(): number {
    return this.times.length - this.head;
  }

  /** The oldest timestamp still in the window. */
  get oldest(): number | undefined {
    return this.head < this.times.length ? this.times[this.head] : undefined;
  }
}
