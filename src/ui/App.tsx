// Application state lives here, outside the viewer: the loaded file, what is loading, the last
// error and the view settings. The viewer only receives them as props.
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ACCEPTED_EXTENSIONS } from '../io/formats';
import { WorkerClient, WorkerRequestError } from '../worker/client';
import { FilePickerButton, WindowDropTarget } from './DropZone';
import { ErrorBanner, type ShownFailure } from './ErrorBanner';
import { FileInfo, type LoadedEntry } from './FileInfo';
import { ViewControls, type ViewSettings } from './ViewControls';
import type { ColorMode } from './viewer/colorMode';
import { ViewerErrorBoundary } from './viewer/ViewerErrorBoundary';
import type { GalleryShape } from '../gallery/shapes';
import { pointValues, tokenValues } from '../model/postprocess';
import type { PointCloud } from '../types/cloud';
import { AttentionPanel, type AttentionView } from './classify/AttentionPanel';
import { Gallery } from './classify/Gallery';
import { ModelPicker } from './classify/ModelPicker';
import { ProjectionView } from './classify/ProjectionView';
import { Predictions } from './classify/Predictions';
import { useClassifier } from './classify/useClassifier';
import type { PointScalars } from './viewer/pointViewer';
import './app.css';
import './classify/classify.css';

// three.js is most of the page's code: load the viewer after the page is up (its own chunk).
const Viewer = lazy(() => import('./viewer/Viewer').then((m) => ({ default: m.Viewer })));

const ATTENTION_COLORMAP = 'magma';

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
  // A gallery shape replaces the file as what is shown and classified.
  const [galleryCloud, setGalleryCloud] = useState<{ shape: GalleryShape; cloud: PointCloud } | null>(null);
  const [attentionView, setAttentionView] = useState<AttentionView>({ enabled: true, layer: 0, head: 'mean' });
  const [hoverPoint, setHoverPoint] = useState<number | null>(null);
  const classifier = useClassifier();
  const { classify } = classifier;

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
      setGalleryCloud(null);
      setFailure(null);
    } catch (error) {
      if (request !== latestRequest.current) return;
      // The previous cloud stays on screen; only the banner changes.
      setFailure(toShownFailure(error, file.name));
    } finally {
      if (request === latestRequest.current) setLoading(null);
    }
  }, []);

  const openShape = useCallback((shape: GalleryShape) => {
    setGalleryCloud({ shape, cloud: shape.make() });
    setFailure(null);
  }, []);

  const cloud = galleryCloud?.cloud ?? loaded?.result.cloud ?? null;
  // Whatever is on screen is classified, again when the up axis changes.
  useEffect(() => {
    if (cloud) classify({ positions: cloud.positions.subarray(0, cloud.count * 3), up: settings.up });
  }, [cloud, settings.up, classify]);

  const { result, resultInput } = classifier.state;
  // Attention colours only for the result of the cloud on screen.
  const shown = result && cloud && resultInput?.positions.buffer === cloud.positions.buffer && result.tokenOfPoint.length === cloud.count ? result : null;
  const layer = shown ? Math.min(attentionView.layer, shown.attention.layers - 1) : 0;
  const head = shown && attentionView.head !== 'mean' ? Math.min(attentionView.head, shown.attention.heads - 1) : 'mean';
  const scalars = useMemo<PointScalars | null>(
    () => (shown && attentionView.enabled ? { values: pointValues(shown.attention, shown.tokenOfPoint, layer, head), colormap: ATTENTION_COLORMAP } : null),
    [shown, attentionView.enabled, layer, head],
  );
  const range = useMemo<[number, number] | null>(() => {
    if (!scalars) return null;
    let min = Infinity;
    let max = -Infinity;
    for (const v of scalars.values) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    return [min, max];
  }, [scalars]);
  const hover =
    shown && hoverPoint !== null && hoverPoint < shown.tokenOfPoint.length
      ? { point: hoverPoint, token: shown.tokenOfPoint[hoverPoint], value: scalars ? scalars.values[hoverPoint] : pointValues(shown.attention, shown.tokenOfPoint, layer, head)[hoverPoint] }
      : null;
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
        <ModelPicker
          models={classifier.state.models}
          modelId={classifier.state.modelId}
          device={classifier.state.device}
          votes={classifier.state.votes}
          progress={classifier.state.progress}
          onModel={classifier.selectModel}
          onDevice={classifier.selectDevice}
          onVotes={classifier.selectVotes}
        />
        <Gallery onShape={openShape} />
        {galleryCloud ? (
          <section className="panel" data-testid="gallery-info">
            <h2>Gallery shape</h2>
            <p>
              {galleryCloud.shape.name} · {galleryCloud.cloud.count} points, made by this app
            </p>
          </section>
        ) : (
          loaded && <FileInfo entry={loaded} />
        )}
        <ViewControls
          settings={settings}
          fileHasColors={fileHasColors}
          onChange={setSettings}
          onResetView={() => setFitRequest((n) => n + 1)}
        />
      </aside>
      <main className="stage">
        {failure && <ErrorBanner failure={failure} onDismiss={() => setFailure(null)} />}
        {classifier.state.error && (
          <div className="classify-error" role="alert" data-testid="classify-error">
            {classifier.state.error}
          </div>
        )}
        <ViewerErrorBoundary>
          <Suspense fallback={<div className="viewer-loading muted">Loading the 3D viewer…</div>}>
            <Viewer
              cloud={cloud}
              colorMode={colorMode}
              up={settings.up}
              pointSize={settings.pointSize}
              scalars={scalars}
              fitRequest={fitRequest}
              onHover={setHoverPoint}
            />
          </Suspense>
        </ViewerErrorBoundary>
        {!cloud && (
          <div className="empty-state">
            <p>Drop a point cloud or mesh here</p>
            <p className="muted">PLY · OBJ · PCD · XYZ · OFF · STL — nothing leaves your machine</p>
          </div>
        )}
      </main>
      <aside className="results">
        <Predictions
          opened={classifier.state.opened}
          result={shown}
          classifying={classifier.state.classifying}
          parseMs={galleryCloud ? null : (loaded?.parseMs ?? null)}
          source={galleryCloud ? `gallery:${galleryCloud.shape.id}` : (loaded?.fileName ?? null)}
        />
        {shown && (
          <AttentionPanel
            attention={shown.attention}
            view={{ ...attentionView, layer, head }}
            colormap={ATTENTION_COLORMAP}
            range={range}
            hover={hover}
            onChange={setAttentionView}
          />
        )}
        {shown && classifier.state.opened && (
          <ProjectionView
            projection={classifier.state.opened.manifest.geometry.projection}
            pos={shown.pos}
            tokens={shown.attention.tokens}
            values={attentionView.enabled ? tokenValues(shown.attention, layer, head) : null}
            colormap={ATTENTION_COLORMAP}
          />
        )}
      </aside>
    </div>
  );
}
