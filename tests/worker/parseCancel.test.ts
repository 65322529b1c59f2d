// Cancelling a load: ParseClient terminates its worker and starts a fresh one. The "workers" are
// MessageChannel ports served with the real transport: the first never answers (a file that
// takes forever), the second answers at once.
import { describe, expect, it } from 'vitest';
import type { ParseApi } from '../../src/worker/protocol';
import { ParseClient } from '../../src/worker/client';
import { serve, WorkerError } from '../../src/worker/transport';

const answer = {
  result: { cloud: { positions: new Float32Array(3), count: 1 }, format: 'xyz', kind: 'points', vertexCount: 1, faceCount: 0, warnings: [], bounds: { min: [0, 0, 0], max: [0, 0, 0] } },
  ms: 1,
  shown: { cloud: { positions: new Float32Array(3), count: 1 }, indices: null, sphere: { center: [0, 0, 0], radius: 0 } },
} as unknown as ParseApi['load']['answer'];

function fakeWorkers() {
  const made: { terminated: boolean }[] = [];
  const create = () => {
    const { port1, port2 } = new MessageChannel();
    const first = made.length === 0;
    serve<ParseApi>(port2, {
      load: (_payload, { progress }) => {
        progress({ stage: 'parse' });
        return first ? new Promise<never>(() => undefined) : answer;
      },
    });
    const record = { terminated: false };
    made.push(record);
    const worker = Object.assign(port1, {
      terminate() {
        record.terminated = true;
        port1.close();
        port2.close();
      },
    });
    return worker as unknown as Worker;
  };
  return { made, create };
}

describe('ParseClient.cancel', () => {
  it('fails the load under way as disposed, and the next load goes to a fresh worker', async () => {
    const { made, create } = fakeWorkers();
    const client = new ParseClient(create);
    const stages: string[] = [];
    const hanging = client.loadFile(new File(['1 2 3\n'], 'a.xyz'), (p) => stages.push(p.stage));
    await expect.poll(() => stages).toEqual(['parse']);
    client.cancel();
    const error = await hanging.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerError);
    expect((error as WorkerError).kind).toBe('disposed');
    expect(made.map((m) => m.terminated)).toEqual([true, false]);

    const loaded = await client.loadFile(new File(['1 2 3\n'], 'b.xyz'));
    expect(loaded.result.cloud.count).toBe(1);
    expect(loaded.shown.indices).toBeNull();
    client.dispose();
    expect(made[1].terminated).toBe(true);
  });
});
