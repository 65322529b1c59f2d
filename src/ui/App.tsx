// Application state lives here, outside the viewer: the loaded file, what is loading, the last
// error and the view settings. The viewer only receives them as props.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ACCEPTED_EXTENSIONS } from '../io/index';
import { WorkerClient, WorkerRequestError } from '../worker/client';
import { FilePickerButton, WindowDropTarget } from './DropZone';
import { ErrorBanner, type ShownFailure } from './ErrorBanner';
import { FileInfo, type LoadedEntry } from './FileInfo';
import { ViewControls, type ViewSettings } from './ViewControls';
import type { ColorMode } from './viewer/colorMode';
import { Viewer } from './viewer/Viewer';
import { ViewerErrorBoundary } from './viewer/ViewerErrorBoundary';
import './app.css';

function toShownFailure(error: unknown, fileName: string): ShownFailure {
  if (error instanceof WorkerRequestError) {
    return { fileName, format: error.format, reason: error.reason, message: error.message };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { fileName, format: 'unknown', reason: 'internal', message };
}

export function App() {
  const clientRef = useRef<WorkerClient | null>(null);
  const latestRequest = useRef(0);
  const [loaded, setLoaded] = useState<LoadedEntry | null>(null);
  const [loading, setLoading] = useState<string | null>(null);
  const [failure, setFailure] = useState<ShownFailure | null>(null);
  const [settings, setSettings] = useState<ViewSettings>({ pointSize: 2, colorSource: 'file', up: 'z' });
  const [fitRequest, setFitRequest] = useState(0);

  useEffect(() => {
    const client = new WorkerClient();
    clientRef.current = client;
    return () => {
      clientRef.current = null;
      client.dispose();
    };
  }, []);

  const openFile = useCallback(async (file: File) => {
    const client = clientRef.current;
    if (!client) return;
    // Only the latest file counts when several are dropped in quick succession.
    const request = ++latestRequest.current;
    setLoading(file.name);
    try {
      const answer = await client.loadFile(file);
      if (request !== latestRequest.current) return;
      setLoaded({ ...answer, fileName: file.name, fileBytes: file.size });
      setFailure(null);
    } catch (error) {
      if (request !== latestRequest.current) return;
      // The previous cloud stays on screen; only the banner changes.
      setFailure(toShownFailure(error, file.name));
    } finally {
      if (request === latestRequest.current) setLoading(null);
    }
  }, []);

  const cloud = loaded?.result.cloud ?? null;
  const fileHasColors = Boolean(cloud?.colors);
  const colorMode = useMemo<ColorMode>(
    () => (settings.colorSource === 'file' && fileHasColors ? { kind: 'file' } : { kind: 'height', up: settings.up }),
    [settings.colorSource, settings.up, fileHasColors],
  );

  return (
    <div className="app">
      <WindowDropTarget onFile={openFile} />
      <header className="app-header">
        <h1>Any2Point Web</h1>
        <p className="tagline">3D point clouds and meshes, read and shown on your own machine.</p>
      </header>
      <aside className="sidebar">
        <section className="panel" aria-labelledby="open-title">
          <h2 id="open-title">Open</h2>
          <FilePickerButton onFile={openFile} />
          <p className="hint">or drop a file anywhere on this page</p>
          <p className="hint muted">{ACCEPTED_EXTENSIONS.join(' ')}</p>
          <p className="status" role="status" data-testid="status">
            {loading ? `Loading ${loading}…` : ''}
          </p>
        </section>
        {loaded && <FileInfo entry={loaded} />}
        <ViewControls
          settings={settings}
          fileHasColors={fileHasColors}
          onChange={setSettings}
          onResetView={() => setFitRequest((n) => n + 1)}
        />
      </aside>
      <main className="stage">
        {failure && <ErrorBanner failure={failure} onDismiss={() => setFailure(null)} />}
        <ViewerErrorBoundary>
          <Viewer cloud={cloud} colorMode={colorMode} up={settings.up} pointSize={settings.pointSize} fitRequest={fitRequest} />
        </ViewerErrorBoundary>
        {!cloud && (
          <div className="empty-state">
            <p>Drop a point cloud or mesh here</p>
            <p className="muted">PLY · OBJ · PCD · XYZ · OFF · STL — nothing leaves your machine</p>
          </div>
        )}
      </main>
    </div>
  );
}
