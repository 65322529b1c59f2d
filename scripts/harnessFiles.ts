// Which files of a build belong to the test and benchmark pages alone (kernels.html,
// accuracy.html: harness/), so the service worker can leave them out. They are built with the app
// (Playwright and the benchmarks open them from the same `vite preview`), but no user needs them.
// Worked out from the bundle's import graph rather than from file names, so a chunk the app
// shares with a harness page stays precached, and a new harness-only chunk drops out by itself.

/** The parts of a Rollup/Vite output file this needs (a structural subset of OutputChunk/OutputAsset). */
export type BuiltFile =
  | {
      type: 'chunk';
      fileName: string;
      isEntry: boolean;
      facadeModuleId: string | null;
      imports: string[];
      dynamicImports: string[];
      viteMetadata?: { importedCss: Set<string>; importedAssets: Set<string> };
    }
  | { type: 'asset'; fileName: string };

/** Every file reached from `starts` through static and dynamic imports and the CSS and assets Vite
 * records per chunk. */
function reached(bundle: Record<string, BuiltFile>, starts: string[]): Set<string> {
  const seen = new Set<string>();
  const queue = [...starts];
  while (queue.length > 0) {
    const fileName = queue.pop()!;
    if (seen.has(fileName)) continue;
    seen.add(fileName);
    const file = bundle[fileName];
    if (file?.type !== 'chunk') continue;
    queue.push(...file.imports, ...file.dynamicImports, ...(file.viteMetadata?.importedCss ?? []), ...(file.viteMetadata?.importedAssets ?? []));
  }
  return seen;
}

/**
 * The harness pages and every file only they reach.
 * @param pages the harness pages' output names ('kernels.html'), relative to the output folder
 * @param isPage whether an entry chunk's facade module (an absolute path) is one of those pages
 */
export function harnessOnlyFiles(bundle: Record<string, BuiltFile>, pages: string[], isPage: (facadeModuleId: string) => boolean): Set<string> {
  const harness: string[] = [];
  const app: string[] = [];
  for (const file of Object.values(bundle)) {
    if (file.type !== 'chunk' || !file.isEntry) continue;
    (file.facadeModuleId !== null && isPage(file.facadeModuleId) ? harness : app).push(file.fileName);
  }
  if (harness.length !== pages.length) {
    throw new Error(`harness pages: found entry chunks for ${harness.length} of ${pages.length} (${pages.join(', ')}); is each one a build input?`);
  }
  const appFiles = reached(bundle, app);
  const only = new Set(pages);
  for (const fileName of reached(bundle, harness)) if (!appFiles.has(fileName)) only.add(fileName);
  return only;
}
