// The worker transport over a real MessageChannel: the page's side on one port, the worker's on
// the other, exactly as a Worker and its `self` would be.
import { afterEach, describe, expect, it } from 'vitest';
import { connect, serve, withTransfer, WorkerError, type Call, type Connection, type Handlers } from '../../src/worker/transport';

interface TestApi {
  echo: Call<{ text: string; delayMs: number }, { text: string }>;
  count: Call<{ to: number }, { done: number }, { at: number }>;
  double: Call<{ values: Float32Array }, Float32Array>;
  fail: Call<{ how: 'error' | 'custom' | 'string' | 'kind' }, never>;
  hang: Call<Record<string, never>, never>;
}

class ModelMissingError extends Error {
  override name = 'ModelMissingError';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const kept: Float32Array[] = [];

const handlers: Handlers<TestApi> = {
  async echo({ text, delayMs }) {
    await sleep(delayMs);
    return { text };
  },
  count({ to }, { progress }) {
    for (let at = 1; at <= to; at++) progress({ at });
    return { done: to };
  },
  double({ values }) {
    const out = values.map((v) => v * 2);
    kept.push(out);
    return withTransfer(out, [out.buffer]);
  },
  fail({ how }) {
    if (how === 'custom') throw new ModelMissingError('no model called x');
    if (how === 'string') throw 'plain string';
    if (how === 'kind') throw new WorkerError({ name: 'LoadError', kind: 'truncated', message: 'ends early', detail: { format: 'ply' } });
    throw new Error('broken');
  },
  hang: () => new Promise<never>(() => {}),
};

let ports: MessagePort[] = [];

function pair(): { client: Connection<TestApi>; page: MessagePort; worker: MessagePort } {
  const { port1, port2 } = new MessageChannel();
  ports.push(port1, port2);
  serve<TestApi>(port2, handlers);
  return { client: connect<TestApi>(port1, 'test worker'), page: port1, worker: port2 };
}

afterEach(() => {
  for (const port of ports) port.close();
  ports = [];
  kept.length = 0;
});

async function rejection(promise: Promise<unknown>): Promise<WorkerError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkerError);
  return error as WorkerError;
}

describe('worker transport', () => {
  it('matches answers to requests by id when they come back out of order', async () => {
    const { client } = pair();
    const order: string[] = [];
    const slow = client.call('echo', { text: 'slow', delayMs: 60 }).then((a) => (order.push(a.text), a));
    const fast = client.call('echo', { text: 'fast', delayMs: 0 }).then((a) => (order.push(a.text), a));
    expect(await slow).toEqual({ text: 'slow' });
    expect(await fast).toEqual({ text: 'fast' });
    expect(order).toEqual(['fast', 'slow']);
  });

  it('delivers progress to its own request, before the answer', async () => {
    const { client } = pair();
    const seen: string[] = [];
    const other: number[] = [];
    const [answer] = await Promise.all([
      client.call('count', { to: 3 }, { onProgress: ({ at }) => seen.push(`progress ${at}`) }).then((a) => (seen.push('answer'), a)),
      client.call('count', { to: 1 }, { onProgress: ({ at }) => other.push(at) }),
    ]);
    expect(answer).toEqual({ done: 3 });
    expect(seen).toEqual(['progress 1', 'progress 2', 'progress 3', 'answer']);
    expect(other).toEqual([1]);
  });

  it('moves the buffers in the transfer lists both ways', async () => {
    const { client } = pair();
    const values = new Float32Array([1, 2.5, -3]);
    const answer = await client.call('double', { values }, { transfer: [values.buffer] });
    expect(values.length).toBe(0); // moved to the worker, not copied
    expect([...answer]).toEqual([2, 5, -6]);
    expect(kept[0].length).toBe(0); // the worker's answer was moved too

    const copied = new Float32Array([4]);
    await client.call('double', { values: copied });
    expect([...copied]).toEqual([4]); // without a transfer list the caller keeps its array
  });

  it("re-raises a handler's error with its name and message, kind 'internal'", async () => {
    const { client } = pair();
    const custom = await rejection(client.call('fail', { how: 'custom' }));
    expect([custom.name, custom.message, custom.kind]).toEqual(['ModelMissingError', 'no model called x', 'internal']);
    const plain = await rejection(client.call('fail', { how: 'error' }));
    expect([plain.name, plain.message, plain.kind]).toEqual(['Error', 'broken', 'internal']);
    const thrownString = await rejection(client.call('fail', { how: 'string' }));
    expect([thrownString.name, thrownString.message]).toEqual(['Error', 'plain string']);
  });

  it('keeps the kind and detail of a WorkerError, and uses a custom serialiser when given', async () => {
    const { client } = pair();
    const error = await rejection(client.call('fail', { how: 'kind' }));
    expect([error.name, error.message, error.kind, error.detail]).toEqual(['LoadError', 'ends early', 'truncated', { format: 'ply' }]);

    const { port1, port2 } = new MessageChannel();
    ports.push(port1, port2);
    serve<TestApi>(port2, handlers, { serialise: (e) => ({ name: 'Mapped', message: `mapped: ${(e as Error).message}`, kind: 'mine' }) });
    const mapped = await rejection(connect<TestApi>(port1, 'w').call('fail', { how: 'error' }));
    expect([mapped.name, mapped.message, mapped.kind]).toEqual(['Mapped', 'mapped: broken', 'mine']);
  });

  it("answers a request the worker has no handler for with kind 'unknown-request'", async () => {
    const { client } = pair();
    const call = client.call as (method: string, payload: unknown) => Promise<unknown>;
    const error = await rejection(call('nothing', {}));
    expect(error.kind).toBe('unknown-request');
    expect(error.message).toContain('"nothing"');
  });

  it('fails every pending request when the worker crashes, and still serves later ones', async () => {
    const { client, page } = pair();
    const first = client.call('hang', {});
    const second = client.call('hang', {});
    await sleep(10); // both requests are with the worker
    const crash = Object.assign(new Event('error', { cancelable: true }), { message: 'ReferenceError: x is not defined' });
    page.dispatchEvent(crash);
    for (const error of [await rejection(first), await rejection(second)]) {
      expect(error.kind).toBe('worker-failed');
      expect(error.message).toBe('The test worker stopped: ReferenceError: x is not defined');
    }
    expect(crash.defaultPrevented).toBe(true);
    expect(await client.call('echo', { text: 'again', delayMs: 0 })).toEqual({ text: 'again' });
  });

  it('fails every pending request when a reply or a request cannot be read', async () => {
    const { client, page, worker } = pair();
    const pending = client.call('hang', {});
    await sleep(10);
    page.dispatchEvent(new Event('messageerror'));
    const error = await rejection(pending);
    expect([error.kind, error.message]).toEqual(['unreadable', 'A reply from the test worker could not be read.']);

    const next = client.call('hang', {});
    await sleep(10);
    worker.dispatchEvent(new Event('messageerror')); // the worker tells the page it lost a request
    expect((await rejection(next)).kind).toBe('unreadable');
  });

  it("fails pending and later requests with kind 'disposed' after close()", async () => {
    const { client } = pair();
    const pending = client.call('hang', {});
    client.close();
    const error = await rejection(pending);
    expect([error.kind, error.message]).toEqual(['disposed', 'The test worker was closed.']);
    expect((await rejection(client.call('echo', { text: 'late', delayMs: 0 }))).kind).toBe('disposed');
  });
});
