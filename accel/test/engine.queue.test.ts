// The batching queue: coalescing, batch bounds, backpressure, refusal when full, errors, and close.
import { describe, expect, it } from 'vitest';
import { AccelError, BatchingQueue } from '../src/index.ts';

function recorder(delayMs = 0) {
  const batches: number[][] = [];
  const process = async (items: number[]) => {
    batches.push(items);
    if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
    return items.map((x) => x * 2);
  };
  return { batches, process };
}

describe('BatchingQueue', () => {
  it('coalesces concurrent single calls into batches of at most maxBatch, results in order', async () => {
    const { batches, process } = recorder();
    const q = new BatchingQueue(process, { maxBatch: 100, maxWaitMs: 5 });
    const results = await Promise.all(Array.from({ length: 250 }, (_, i) => q.push(i)));
    expect(results).toEqual(Array.from({ length: 250 }, (_, i) => i * 2));
    expect(batches.length).toBe(3);
    expect(batches.map((b) => b.length)).toEqual([100, 100, 50]);
    await q.close();
  });

  it('a lone call is flushed after maxWaitMs', async () => {
    const { batches, process } = recorder();
    const q = new BatchingQueue(process, { maxBatch: 1000, maxWaitMs: 1 });
    expect(await q.push(21)).toBe(42);
    expect(batches).toEqual([[21]]);
    await q.close();
  });

  it('holds callers back beyond maxPending, and refuses beyond maxWaiting with ACCEL_QUEUE_FULL', async () => {
    const { process } = recorder(20);
    const q = new BatchingQueue(process, { maxBatch: 4, maxPending: 8, maxWaiting: 2, concurrency: 1 });
    const admitted = Array.from({ length: 8 }, (_, i) => q.push(i));
    const waiting = [q.push(100), q.push(101)];
    await new Promise((r) => setTimeout(r, 0));
    expect(q.pending).toBe(8);
    await expect(q.push(102)).rejects.toMatchObject({ code: 'ACCEL_QUEUE_FULL' });
    expect(await Promise.all([...admitted, ...waiting])).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 200, 202]);
    await q.close();
  });

  it('a failing batch rejects each of its callers with the error, and later batches still run', async () => {
    let calls = 0;
    const q = new BatchingQueue(
      async (items: number[]) => {
        calls++;
        if (calls === 1) throw new AccelError('ACCEL_WORKER_FAILED', 'boom');
        return items;
      },
      { maxBatch: 2, maxWaitMs: 1 },
    );
    const first = [q.push(1), q.push(2)];
    for (const p of first) await expect(p).rejects.toMatchObject({ code: 'ACCEL_WORKER_FAILED' });
    expect(await q.push(3)).toBe(3);
    await q.close();
  });

  it('close() flushes queued items, then refuses with ACCEL_CLOSED', async () => {
    const { process } = recorder(5);
    const q = new BatchingQueue(process, { maxBatch: 1000, maxWaitMs: 1000 });
    const p = q.push(5);
    await q.close();
    expect(await p).toBe(10);
    await expect(q.push(6)).rejects.toMatchObject({ code: 'ACCEL_CLOSED' });
  });

  it('validates its options', () => {
    expect(() => new BatchingQueue(async (x: number[]) => x, { maxBatch: 0 })).toThrow(RangeError);
  });
});
