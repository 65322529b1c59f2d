// The files the service worker leaves out: the harness pages and what only they reach, never a
// file the app also loads (scripts/harnessFiles.ts), on a hand-made bundle graph.
import { describe, expect, it } from 'vitest';
import { harnessOnlyFiles, type BuiltFile } from '../../scripts/harnessFiles';

function chunk(fileName: string, imports: string[] = [], more: { entry?: string; dynamic?: string[]; css?: string[]; assets?: string[] } = {}): BuiltFile {
  return {
    type: 'chunk',
    fileName,
    isEntry: more.entry !== undefined,
    facadeModuleId: more.entry ?? null,
    imports,
    dynamicImports: more.dynamic ?? [],
    viteMetadata: { importedCss: new Set(more.css), importedAssets: new Set(more.assets) },
  };
}

const asset = (fileName: string): BuiltFile => ({ type: 'asset', fileName });

function bundleOf(...files: BuiltFile[]): Record<string, BuiltFile> {
  return Object.fromEntries(files.map((f) => [f.fileName, f]));
}

const isPage = (id: string) => id === '/app/kernels.html' || id === '/app/accuracy.html';

describe('harnessOnlyFiles', () => {
  it('leaves out the pages and the chunks, CSS and assets only they reach; keeps what the app shares', () => {
    const bundle = bundleOf(
      chunk('assets/main.js', ['assets/polyfill.js', 'assets/client.js'], { entry: '/app/index.html', dynamic: ['assets/Viewer.js'], css: ['assets/main.css'] }),
      chunk('assets/Viewer.js', ['assets/three.js']),
      chunk('assets/three.js'),
      chunk('assets/polyfill.js'),
      chunk('assets/client.js', [], { assets: ['assets/model.worker.js'] }),
      chunk('assets/kernels.js', ['assets/polyfill.js', 'assets/gpu.js'], { entry: '/app/kernels.html', css: ['assets/kernels.css'] }),
      chunk('assets/gpu.js', [], { assets: ['assets/bench-cloud.bin'] }),
      chunk('assets/accuracy.js', ['assets/polyfill.js', 'assets/client.js'], { entry: '/app/accuracy.html', dynamic: ['assets/report.js'] }),
      chunk('assets/report.js', ['assets/three.js']),
      asset('assets/main.css'),
      asset('assets/kernels.css'),
      asset('assets/bench-cloud.bin'),
      asset('assets/model.worker.js'),
      asset('index.html'),
      asset('kernels.html'),
      asset('accuracy.html'),
    );
    const out = harnessOnlyFiles(bundle, ['kernels.html', 'accuracy.html'], isPage);
    expect([...out].sort()).toEqual([
      'accuracy.html',
      'assets/accuracy.js',
      'assets/bench-cloud.bin',
      'assets/gpu.js',
      'assets/kernels.css',
      'assets/kernels.js',
      'assets/report.js',
      'kernels.html',
    ]);
  });

  it('fails loudly when a harness page is not among the build inputs', () => {
    const bundle = bundleOf(chunk('assets/main.js', [], { entry: '/app/index.html' }), chunk('assets/kernels.js', [], { entry: '/app/kernels.html' }));
    expect(() => harnessOnlyFiles(bundle, ['kernels.html', 'accuracy.html'], isPage)).toThrow(/1 of 2/);
  });
});
