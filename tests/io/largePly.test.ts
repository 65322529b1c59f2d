// PLYs over LIMITS.maxFileBytes (src/io/largePly.ts): binary ones read a slice at a time, keeping
// the properties the PLY reader uses, load exactly as loadFile loads the whole file; ASCII ones
// are read one row in k, and the rows kept load as those rows would.
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

  test(
    'a binary scan of more than 10,000,000 points is read one in k, whole (under 256 MiB) or a slice at a time, to the same points',
    async () => {
      const n = LIMITS.maxPoints + 1;
      // A comment pads the header to a multiple of 4 bytes, so the body is a Float32Array.
      let text = `ply\nformat binary_little_endian 1.0\nelement vertex ${n}\nproperty float x\nproperty float y\nproperty float z\nend_header\n`;
      text = text.replace('element', `comment ${'-'.repeat((4 - ((text.length + 9) % 4)) % 4)}\nelement`);
      const header = new TextEncoder().encode(text);
      const bytes = new Uint8Array(header.length + 12 * n);
      bytes.set(header);
      const xyz = new Float32Array(bytes.buffer, header.length, 3 * n);
      for (let i = 0; i < n; i++) [xyz[3 * i], xyz[3 * i + 1], xyz[3 * i + 2]] = [(i % 1000) / 1000, Math.floor(i / 1000) / 10000, (i % 7) / 7];
      const whole = loadFile('scan.ply', bytes, { seed: 0, keepEveryPoint: true });
      expect([whole.cloud.count, whole.vertexCount, whole.warnings[0]]).toEqual([5000001, n, 'the file holds 10,000,001 vertices; one in 2 read (at most 10,000,000, LIMITS.maxPoints)']);
      // The kept points are the even ones (positions relative to the first, which is 0 0 0).
      expect(Array.from(whole.cloud.positions.subarray(3, 6))).toEqual([xyz[6], xyz[7], xyz[8]]);
      const sliced = await loadLargePly('scan.ply', bytes.length, reader(bytes).read, { keepEveryPoint: true, sliceBytes: 1 << 24 });
      // Compared as bytes: toEqual on 15 million floats takes gigabytes.
      const bytesOf = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
      expect(Buffer.compare(bytesOf(sliced.cloud.positions), bytesOf(whole.cloud.positions))).toBe(0);
      expect([sliced.vertexCount, sliced.warnings]).toEqual([n, whole.warnings]);
      // Cut short, in both: the file's own counts.
      const cut = bytes.subarray(0, bytes.length - 120);
      expect(() => loadFile('scan.ply', cut)).toThrow('PLY: header declares 10,000,001 vertices but the file ends after 9,999,991');
      expect(await largeError('scan.ply', cut)).toBe('PLY: header declares 10,000,001 vertices but the file ends after 9,999,991');
    },
    240_000,
  );

  test('meshes and files over 4 GiB are refused by their size', async () => {
    const size = LIMITS.maxFileBytes + 1;
    const over = 'the file is 268,435,457 bytes (256 MiB); the limit is 268,435,456 bytes (256 MiB, LIMITS.maxFileBytes)';
    const asciiMesh = new TextEncoder().encode('ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nproperty float y\nproperty float z\nelement face 1\nproperty list uchar int vertex_indices\nend_header\n');
    expect(await largeError('scan.ply', asciiMesh, size)).toBe(
      `PLY: ${over}; PLYs of vertices alone (Gaussian splats, scans) are read up to 4 GiB (LIMITS.maxLargePlyBytes), and this one is a mesh`,
    );
    const mesh = new TextEncoder().encode('ply\nformat binary_little_endian 1.0\nelement vertex 3\nproperty float x\nproperty float y\nproperty float z\nelement face 1\nproperty list uchar int vertex_indices\nend_header\n');
    expect(await largeError('mesh.ply', mesh, size)).toMatch(/, and this one is a mesh$/);
    expect(await largeError('scene.ply', fixture('splats-3dgs.ply'), 5 * 1024 ** 3)).toMatch(/^PLY: the file is 5,368,709,120 bytes \(5 GiB\); .* read up to 4 GiB \(LIMITS\.maxLargePlyBytes\)$/);
  });

  test('an ASCII PLY of a scan (CloudCompare\'s text export) read one row in k: the rows kept are the whole file\'s', async () => {
    // 5,000 vertices with normals and colours, CRLF line ends, a comment in the header.
    const rows = Array.from({ length: 5000 }, (_, i) => `${(i % 71) * 0.01} ${Math.floor(i / 71) * 0.02} ${Math.sin(i) * 0.1} 0 0 1 ${i % 256} 128 ${255 - (i % 256)}`);
    const header = 'ply\r\nformat ascii 1.0\r\ncomment Created by CloudCompare\r\nelement vertex 5000\r\nproperty float x\r\nproperty float y\r\nproperty float z\r\nproperty float nx\r\nproperty float ny\r\nproperty float nz\r\nproperty uchar red\r\nproperty uchar green\r\nproperty uchar blue\r\nend_header\r\n';
    const text = (kept: string[]) => new TextEncoder().encode(header.replace('vertex 5000', `vertex ${kept.length}`) + kept.map((r) => `${r}\r\n`).join(''));
    const bytes = text(rows);
    // Every row kept (a generous maxRows), in slices of 1 KiB: what loadFile reads.
    const all = await loadLargePly('scan.ply', bytes.length, reader(bytes).read, { sliceBytes: 1024, maxRows: 10000 });
    expect(all).toEqual(loadFile('scan.ply', bytes, { seed: 0 }));
    // About 1,000 rows: one in 5 (from the first rows' length), the rows 4, 9, ... of the file.
    const some = await loadLargePly('scan.ply', bytes.length, reader(bytes).read, { sliceBytes: 4096, maxRows: 1000 });
    const expected = loadFile('scan.ply', text(rows.filter((_, i) => i % 5 === 4)), { seed: 0 });
    expect(some.cloud).toEqual(expected.cloud);
    expect(some.warnings[0]).toBe('the file holds 5,000 vertices; one row in 5 read (about 1,000), and only the rows read are checked');
    expect(some.vertexCount).toBe(5000);
  });

  test('an ASCII PLY with a bad value, cut short or longer than declared is refused naming its own line and vertex', async () => {
    const header = 'ply\nformat ascii 1.0\nelement vertex 3000\nproperty float x\nproperty float y\nproperty float z\nend_header\n';
    const rows = Array.from({ length: 3000 }, (_, i) => `${i} ${i % 7} 1`);
    rows[2004] = '2004 nan? 1';
    const bytes = new TextEncoder().encode(header + rows.map((r) => `${r}\n`).join(''));
    const message = await (async () => {
      try {
        await loadLargePly('scan.ply', bytes.length, reader(bytes).read, { sliceBytes: 4096, maxRows: 600 });
      } catch (error) {
        return (error as Error).message;
      }
      return 'loaded';
    })();
    // One row in 5 (rows 4, 9, ...): row 2004 is read; it is the file's line 2012 (8 header lines).
    expect(message).toMatch(/^PLY: vertex 2004: line 2012, column 6: "nan\?" /);
    const good = new TextEncoder().encode(header + rows.map((r, i) => `${i === 2004 ? '1 1 1' : r}\n`).join(''));
    expect(await largeError('scan.ply', good.subarray(0, good.length - 400))).toMatch(/^PLY: the header declares 3,000 vertices, but the file ends after 2,9\d\d lines of them$/);
    const longer = new TextEncoder().encode(header + [...rows, '1 1 1', '2 2 2'].map((r, i) => `${i === 2004 ? '1 1 1' : r}\n`).join(''));
    expect(await largeError('scan.ply', longer)).toBe('PLY: the header declares 3,000 vertices, but the file has 3,002 lines after the header');
  });

  test('content of another format gets the plain size refusal; content of none is not PLY', async () => {
    const obj = new TextEncoder().encode('v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n');
    expect(await largeError('mesh.ply', obj, LIMITS.maxFileBytes + 1)).toBe(
      'OBJ: the file is 268,435,457 bytes (256 MiB); the limit is 268,435,456 bytes (256 MiB, LIMITS.maxFileBytes)',
    );
    expect(await largeError('scene.ply', fixture('splats.splat'), LIMITS.maxFileBytes + 1)).toBe("PLY: the file does not start with the line 'ply'");
  });
});
