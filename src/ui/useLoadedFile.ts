// The file side of the app: files go to the parse worker; only the latest file counts, and a
// failure leaves the previous file in place with a banner. A load reports its stage and can be
// cancelled (the worker is replaced; the previous file stays). The file shown can be read again
// with every point kept (the loaders' clean-up off: stray pieces, a floor and walls stay), or not,
// and an archive's other models read from it (archive.ts).
import { useCallback, useRef, useState } from 'react';
import { ParseClient } from '../worker/client';
import { toWorkerFailure } from '../worker/failure';
import type { ParseProgress } from '../worker/protocol';
import type { ShownFailure } from './ErrorBanner';
import type { LoadedEntry } from './FileInfo';
import { useWorkerClient } from './useWorkerClient';

export interface LoadingState {
  fileName: string;
  progress: ParseProgress | null;
}

export function useLoadedFile(onLoaded: () => void) {
  const clientRef = useWorkerClient(() => new ParseClient());
  const latestRequest = useRef(0);
  const onLoadedRef = useRef(onLoaded);
  onLoadedRef.current = onLoaded;
  const [loaded, setLoaded] = useState<LoadedEntry | null>(null);
  const [loading, setLoading] = useState<LoadingState | null>(null);
  const [failure, setFailure] = useState<ShownFailure | null>(null);

  const openFile = useCallback(
    async (file: File, keepEveryPoint = false, archiveEntry?: string) => {
      const client = clientRef.current;
      if (!client) return;
      // Only the latest file counts when several are dropped in quick succession.
      const request = ++latestRequest.current;
      setLoading({ fileName: file.name, progress: null });
      try {
        const answer = await client.loadFile(
          file,
          (progress) => {
            if (request === latestRequest.current) setLoading({ fileName: file.name, progress });
          },
          keepEveryPoint,
          archiveEntry,
        );
        if (request !== latestRequest.current) return;
        setLoaded({ ...answer, file, keptEveryPoint: keepEveryPoint });
        onLoadedRef.current();
        setFailure(null);
      } catch (error) {
        if (request !== latestRequest.current) return;
        // The previous cloud stays on screen; only the banner changes.
        setFailure({ ...toWorkerFailure(error), fileName: file.name });
      } finally {
        if (request === latestRequest.current) setLoading(null);
      }
    },
    [clientRef],
  );

  /** Stops the load under way; what was on screen stays, with no banner. */
  const cancelLoad = useCallback(() => {
    latestRequest.current++;
    setLoading(null);
    clientRef.current?.cancel();
  }, [clientRef]);

  const dismissFailure = useCallback(() => setFailure(null), []);

  /** Reads the file shown again, with every point kept or with the clean-up (the same model of an
   * archive). */
  const reopen = useCallback((keepEveryPoint: boolean) => {
    if (loaded) void openFile(loaded.file, keepEveryPoint, loaded.result.archive?.read);
  }, [loaded, openFile]);

  /** Reads another model of the archive shown. */
  const openArchiveModel = useCallback((entry: string) => {
    if (loaded) void openFile(loaded.file, loaded.keptEveryPoint, entry);
  }, [loaded, openFile]);

  // parseClient: the batch mode reads its files through this same worker.
  return { loaded, loading, failure, openFile, reopen, openArchiveModel, cancelLoad, dismissFailure, parseClient: clientRef };
}
