// sha256 of downloaded and assembled files, through WebCrypto (browser secure contexts, Node 20).

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) {
    throw new Error('sha256: crypto.subtle is missing (pages served over plain http from another host are not a secure context)');
  }
  // digest() wants a buffer it may read; a view onto a larger or shared buffer is copied first.
  const exact = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
  const digest = await subtle.digest('SHA-256', exact ? (bytes as Uint8Array<ArrayBuffer>) : bytes.slice());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A fetched file whose bytes are not the ones the build recorded. */
export class IntegrityError extends Error {
  override name = 'IntegrityError';
}

/** Throws an IntegrityError naming `what` when `bytes` do not hash to `expected` (hex). */
export async function checkSha256(what: string, bytes: Uint8Array, expected: string): Promise<void> {
  const got = await sha256Hex(bytes);
  if (got !== expected.toLowerCase()) throw new IntegrityError(`${what}: sha256 mismatch, expected ${expected}, got ${got}`);
}

/** The bytes at `url` (relative to the page or worker), checked against `expected` (hex): an
 * Error saying what could not be fetched, or an IntegrityError naming both digests. */
export async function fetchChecked(what: string, url: string, expected: string): Promise<Uint8Array> {
  const href = new URL(url, location.href).href;
  let response: Response;
  try {
    response = await fetch(href);
  } catch (error) {
    throw new Error(`${what}: could not be fetched from ${href} (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!response.ok) throw new Error(`${what}: HTTP ${response.status} from ${href}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  await checkSha256(what, bytes, expected);
  return bytes;
}
