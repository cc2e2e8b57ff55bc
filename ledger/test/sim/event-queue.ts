/**
 * The simulated clock: a binary min-heap of events ordered by (time, insertion sequence), so events at
 * the same instant run in the order they were scheduled and every run of a seed is identical.
 */

/** Something that happens at a simulated instant. */
export interface SimEvent {
  readonly time: number;
  readonly seq: number;
  readonly run: () => void;
}

/** Discrete-event clock. */
export class EventQueue {
  private heap: SimEvent[] = [];
  private seq = 0;
  /** Current simulated time in milliseconds. */
  now = 0;
  /** Events executed so far. */
  executed = 0;

  /** Runs `run` after `delayMs` of simulated time (≥ 0). */
  after(delayMs: number, run: () => void): void {
    if (!(delayMs >= 0)) throw new RangeError(`delayMs: ${delayMs}`);
    this.push({ time: this.now + delayMs, seq: this.seq++, run });
  }

  /** Runs the next event; false when none is left. */
  runNext(): boolean {
    const event = this.pop();
    if (event === undefined) return false;
    this.now = event.time;
    this.executed++;
    event.run();
    return true;
  }

  /** Time of the next event, or Infinity. */
  peekTime(): number {
    return this.heap[0]?.time ?? Number.POSITIVE_INFINITY;
  }

  private less(a: SimEvent, b: SimEvent): boolean {
    return a.time < b.time || (a.time === b.time && a.seq < b.seq);
  }

  private push(event: SimEvent): void {
    const heap = this.heap;
    heap.push(event);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  private pop(): SimEvent | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && this.less(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && this.less(heap[r]!, heap[m]!)) m = r;
      if (m === i) break;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
    return top;
  }
}
