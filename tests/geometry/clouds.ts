// The synthetic clouds live in harness/ so the browser check page and the benchmark share them.
export * from '../../harness/synthetic';
