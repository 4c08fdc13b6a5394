/** A min-heap by due time: re-posts wait here until their time comes. */
export interface RetryQueue<T> {
  push(dueAt: number, value: T): void;
  /** The earliest entry whose due time is at or before `now`, removed; undefined if none is due. */
  popDue(now: number): T | undefined;
  size(): number;
}

export function createRetryQueue<T>(): RetryQueue<T> {
  const heap: { dueAt: number; value: T }[] = [];
  const swap = (i: number, j: number) => {
    const t = heap[i]!;
    heap[i] = heap[j]!;
    heap[j] = t;
  };
  const up = (i: number) => {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.dueAt <= heap[i]!.dueAt) return;
      swap(i, parent);
      i = parent;
    }
  };
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && heap[l]!.dueAt < heap[m]!.dueAt) m = l;
      if (r < heap.length && heap[r]!.dueAt < heap[m]!.dueAt) m = r;
      if (m === i) return;
      swap(i, m);
      i = m;
    }
  };
  return {
    push(dueAt, value) {
      heap.push({ dueAt, value });
      up(heap.length - 1);
    },
    popDue(now) {
      const top = heap[0];
      if (top === undefined || top.dueAt > now) return undefined;
      const last = heap.pop()!;
      if (heap.length > 0) {
        heap[0] = last;
        down(0);
      }
      return top.value;
    },
    size: () => heap.length,
  };
}
