// The example specs live in src so the browser check page and the benchmark share them.
export * from '../../src/geometry/exampleSpecs';
