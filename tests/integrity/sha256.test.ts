import { describe, expect, it } from 'vitest';
import { checkSha256, IntegrityError, sha256Hex } from '../../src/integrity/sha256';

// FIPS 180-2's example: sha256("abc").
const ABC = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
const abc = new TextEncoder().encode('abc');

describe('checkSha256', () => {
  it('accepts bytes with the expected digest, in either case', async () => {
    expect(await sha256Hex(abc)).toBe(ABC);
    await expect(checkSha256('x', abc, ABC)).resolves.toBeUndefined();
    await expect(checkSha256('x', abc, ABC.toUpperCase())).resolves.toBeUndefined();
  });

  it('names the file and both digests when they differ', async () => {
    const other = new TextEncoder().encode('abd');
    const error = await checkSha256('onnxruntime wasm (a.wasm)', other, ABC).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IntegrityError);
    expect((error as Error).message).toBe(`onnxruntime wasm (a.wasm): sha256 mismatch, expected ${ABC}, got ${await sha256Hex(other)}`);
  });

  it('hashes a view onto part of a larger buffer by its own bytes', async () => {
    const buffer = new Uint8Array([0, 97, 98, 99, 0]);
    await expect(checkSha256('x', buffer.subarray(1, 4), ABC)).resolves.toBeUndefined();
  });
});
