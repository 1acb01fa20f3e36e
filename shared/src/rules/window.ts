/**
 * @module rules/window
 * A time-ordered queue of (start, end, value) with running sums, for rolling means and
 * time-weighted averages. Entries leave from the front only; sums are recomputed from the
 * entries now and then so float drift cannot build up over months of readings.
 */

export type WindowSnapshot = { s: number[]; e: number[]; v: number[] };

export class TimeWindow {
  private s: number[] = [];
  private e: number[] = [];
  private v: number[] = [];
  private head = 0;
  private evicted = 0;
  /** Σ value and Σ value·(end − start), Σ (end − start) over the entries. */
  sum = 0;
  weighted = 0;
  span = 0;

  get size(): number {
    return this.s.length - this.head;
  }

  push(start: number, end: number, value: number): void {
    this.s.push(start);
    this.e.push(end);
    this.v.push(value);
    this.sum += value;
    this.weighted += value * (end - start);
    this.span += end - start;
  }

  /** Drops entries whose `end` is at or before `cutoff`. */
  evictEndingBy(cutoff: number): void {
    while (this.head < this.s.length && this.e[this.head] <= cutoff) {
      const d = this.e[this.head] - this.s[this.head];
      this.sum -= this.v[this.head];
      this.weighted -= this.v[this.head] * d;
      this.span -= d;
      this.head++;
      this.evicted++;
    }
    if (this.evicted > this.size + 64) this.resum();
  }

  /** Start and value of the first entry (for clipping it at the window edge). */
  firstStart(): number {
    return this.s[this.head];
  }
  firstValue(): number {
    return this.v[this.head];
  }

  private resum(): void {
    this.s = this.s.slice(this.head);
    this.e = this.e.slice(this.head);
    this.v = this.v.slice(this.head);
    this.head = 0;
    this.evicted = 0;
    this.sum = 0;
    this.weighted = 0;
    this.span = 0;
    for (let i = 0; i < this.s.length; i++) {
      this.sum += this.v[i];
      this.weighted += this.v[i] * (this.e[i] - this.s[i]);
      this.span += this.e[i] - this.s[i];
    }
  }

  snapshot(): WindowSnapshot {
    return { s: this.s.slice(this.head), e: this.e.slice(this.head), v: this.v.slice(this.head) };
  }

  static restore(snap: WindowSnapshot): TimeWindow {
    const w = new TimeWindow();
    for (let i = 0; i < snap.s.length; i++) w.push(snap.s[i], snap.e[i], snap.v[i]);
    return w;
  }
}
