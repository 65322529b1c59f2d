// The file side of the app: files go to the parse worker; only the latest file counts, and a
// failure leaves the previous file in place with a banner.
import { useCallback, useRef, useState } from 'react';
import { ParseClient } from '../worker/client';
import { toWorkerFailure } from '../worker/failure';
import type { ShownFailure } from './ErrorBanner';
import type { LoadedEntry } from './FileInfo';
import { useWorkerClient } from './useWorkerClient';

export function useLoadedFile(onLoaded: () => void) {
  const clientRef = useWorkerClient(() => new ParseClient());
  const latestRequest = useRef(0);
  const onLoadedRef = useRef(onLoaded);
  onLoadedRef.current = onLoaded;
  const [loaded, setLoaded] = useState<LoadedEntry | null>(null);
  const [loading, setLoading] = useState<string | null>(null);
  const [failure, setFailure] = useState<ShownFailure | null>(null);

  const openFile = useCallback(
    async (file: File) => {
      const client = clientRef.current;
      if (!client) return;
      // Only the latest file counts when several are dropped in quick succession.
      const request = ++latestRequest.current;
      setLoading(file.name);
      try {
        const answer = await client.loadFile(file);
        if (request !== latestRequest.current) return;
        setLoaded({ ...answer, fileName: file.name, fileBytes: file.size });
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

  const dismissFailure = useCallback(() => setFailure(null), []);

  return { loaded, loading, failure, openFile, dismissFailure };
}
