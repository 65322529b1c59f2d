// Binary PLYs over LIMITS.maxFileBytes (src/io/largePly.ts): read a slice at a time, keeping the
// properties the PLY reader uses, they load exactly as loadFile loads the whole file.
import { describe, expect, test } from 'vitest';
import { loadFile } from '../../src/io';
import { loadLargePly } from '../../src/io/largePly';
import type { ReadRange } from '../../src/io/types';
import { LIMITS } from '../../src/io/limits';
import { fixture } from './loaderFixtures';

/** A ReadRange over bytes in memory, counting the calls. */
function reader(bytes: Uint8Array): { read: ReadRange; calls: number[][] } {
  const calls: number[][] = [];
  return { calls, read: async (start, end) => (calls.push([start, end]), bytes.slice(start, end)) };
}

async function largeError(name: string, bytes: Uint8Array, size = bytes.length): Promise<string> {
  try {
    await loadLargePly(name, size, reader(bytes).read);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('large binary PLYs', () => {
  test.each([false, true])('Gaussian splats read in slices of 1 KiB are what loadFile reads (keep every point: %s)', async (keepEveryPoint) => {
    const bytes = fixture('splats-3dgs.ply');
    const { read, calls } = reader(bytes);
    const large = await loadLargePly('scene.ply', bytes.length, read, { keepEveryPoint, sliceBytes: 1024 });
    const whole = loadFile('scene.ply', bytes, { keepEveryPoint });
    // 248-byte splats, four a slice: 30 slices after the header's read.
    expect(calls.length).toBe(1 + 30);
    expect(large).toEqual(whole);
  });

  test('a file cut short: the PLY reader says where it ends', async () => {
    const bytes = fixture('splats-3dgs.ply');
    expect(await largeError('scene.ply', bytes.subarray(0, bytes.length - 300))).toBe('PLY: header declares 120 vertices but the file ends after 118');
  });

  test('a file longer than its header declares', async () => {
    const bytes = fixture('splats-3dgs.ply');
    const longer = new Uint8Array(bytes.length + 7);
    longer.set(bytes);
    expect(await largeError('scene.ply', longer)).toBe(
      'PLY: the header declares 120 vertices (29,760 bytes of data), but the file has 29,767 bytes after the header (7 more)',
    );
  });

  test('ASCII, meshes and files over 4 GiB are refused by their size', async () => {
    const ascii = new TextEncoder().encode('ply\nformat ascii 1.0\nelement vertex 1\nproperty float x\nproperty float y\nproperty float z\nend_header\n0 0 0\n');
    const size = LIMITS.maxFileBytes + 1;
    const over = 'the file is 268,435,457 bytes (256 MiB); the limit is 268,435,456 bytes (256 MiB, LIMITS.maxFileBytes)';
    expect(await largeError('scan.ply', ascii, size)).toBe(
      `PLY: ${over}; binary PLYs of vertices alone (as Gaussian splats are) are read up to 4 GiB (LIMITS.maxLargePlyBytes), and this one is ASCII`,
    );
    const mesh = new TextEncoder().encode('ply\nformat binary_little_endian 1.0\nelement vertex 3\nproperty float x\nproperty float y\nproperty float z\nelement face 1\nproperty list uchar int vertex_indices\nend_header\n');
    expect(await largeError('mesh.ply', mesh, size)).toMatch(/, and this one is a mesh$/);
    expect(await largeError('scene.ply', fixture('splats-3dgs.ply'), 5 * 1024 ** 3)).toMatch(/^PLY: the file is 5,368,709,120 bytes \(5 GiB\); .* read up to 4 GiB \(LIMITS\.maxLargePlyBytes\)$/);
  });

  test('content of another format gets the plain size refusal; content of none is not PLY', async () => {
    const obj = new TextEncoder().encode('v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n');
    expect(await largeError('mesh.ply', obj, LIMITS.maxFileBytes + 1)).toBe(
      'OBJ: the file is 268,435,457 bytes (256 MiB); the limit is 268,435,456 bytes (256 MiB, LIMITS.maxFileBytes)',
    );
    expect(await largeError('scene.ply', fixture('splats.splat'), LIMITS.maxFileBytes + 1)).toBe("PLY: the file does not start with the line 'ply'");
  });
});
