// Growable typed arrays for parsers that learn the element count only while reading.

type GrowableArray = Float32Array | Float64Array | Uint32Array;

class TypedBuilder<T extends GrowableArray> {
  private data: T;
  length = 0;

  constructor(
    private readonly make: (length: number) => T,
    initialCapacity: number,
  ) {
    this.data = make(Math.max(16, initialCapacity));
  }

  push(a: number): void {
    if (this.length + 1 > this.data.length) this.grow(this.length + 1);
    this.data[this.length++] = a;
  }

  push3(a: number, b: number, c: number): void {
    if (this.length + 3 > this.data.length) this.grow(this.length + 3);
    const d = this.data;
    d[this.length] = a;
    d[this.length + 1] = b;
    d[this.length + 2] = c;
    this.length += 3;
  }

  private grow(needed: number): void {
    const next = this.make(Math.max(needed, this.data.length * 2));
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }

  /** The filled part; copies only when the buffer has spare room. */
  finish(): T {
    return this.length === this.data.length ? this.data : (this.data.slice(0, this.length) as T);
  }
}

export class Float32Builder extends TypedBuilder<Float32Array> {
  constructor(initialCapacity = 1024) {
    super((n) => new Float32Array(n), initialCapacity);
  }
}

/** Doubles, for coordinates still to be transformed before they are stored as float32. */
export class Float64Builder extends TypedBuilder<Float64Array> {
  constructor(initialCapacity = 1024) {
    super((n) => new Float64Array(n), initialCapacity);
  }
}

export class Uint32Builder extends TypedBuilder<Uint32Array> {
  constructor(initialCapacity = 1024) {
    super((n) => new Uint32Array(n), initialCapacity);
  }
}

/** Indices 0..n-1: the index buffer of a triangle soup (STL, three's OBJ output). */
export function identityIndices(n: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}
