// The page's layout. State lives in hooks, outside the viewer: what is shown (useShownCloud: the
// parse worker, files and gallery shapes), the classification (useClassifier: the model worker),
// the attention colours (useAttentionColours), and the view settings here. The viewer only
// receives them as props.
import { lazy, Suspense, useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { upWithFloor } from '../geometry/upTurn';
import { FORMATS } from '../io/formats';
import type { Dropped } from '../files/folder';
import { resultForCloud, ATTENTION_COLORMAP } from './attentionView';
import { useBatchMode } from './batch/useBatchMode';
import { useTaughtHeads } from './teach/useTaughtHeads';
import { useTeachMode } from './teach/useTeachMode';
import { AttentionPanel, type AttentionView } from './classify/AttentionPanel';
import { ClassifyStatus } from './classify/ClassifyStatus';
import { Gallery } from './classify/Gallery';
import { ModelPicker } from './classify/ModelPicker';
import { Predictions } from './classify/Predictions';
import { ProjectionView } from './classify/ProjectionView';
import { useClassifier } from './classify/useClassifier';
import { WindowDropTarget } from './DropZone';
import { ErrorBanner } from './ErrorBanner';
import { FileInfo } from './FileInfo';
import { GalleryInfo } from './GalleryInfo';
import { ModeTabs, tabId, type ModeTab } from './ModeTabs';
import { LoadStatus, OpenPanel } from './OpenPanel';
import { useAttentionColours } from './useAttentionColours';
import { useObjectAnswers } from './useObjectAnswers';
import { useObjectLabels } from './useObjectLabels';
import { useShownCloud } from './useShownCloud';
import { useShownFirst } from './useShownFirst';
import { useModelView } from './modelView';
import { upFromUrl } from './upChoice';
import { ViewControls, type ViewSettings } from './ViewControls';
import type { ColorMode } from './viewer/colorMode';
import { ViewerErrorBoundary } from './viewer/ViewerErrorBoundary';
import './app.css';
import './classify/classify.css';

// three.js is most of the page's code: load the viewer after the page is up (its own chunk).
const Viewer = lazy(() => import('./viewer/Viewer').then((m) => ({ default: m.Viewer })));

const FORMAT_LABELS = FORMATS.map((f) => f.label).join(' · ');

// The page's modes, as tabs above the side panel. A mode is an entry here and its view in `views`
// below (the compiler asks for it): the panel it shows at the top of the side panel, what it shows
// below the viewer, and what it does with a drop of a folder or several files.
const MODES = [
  { id: 'one', label: 'One file' },
  { id: 'batch', label: 'Batch' },
  { id: 'teach', label: 'Teach' },
] as const satisfies readonly ModeTab<string>[];
type Mode = (typeof MODES)[number]['id'];

interface ModeView {
  panel: ReactNode;
  below?: ReactNode;
  /** A drop of a folder or of several files; the batch mode takes it when a mode has no use for one. */
  onDropMany?: (dropped: Dropped) => void;
}

export function App() {
  const shownCloud = useShownCloud();
  const { cloud, gallery, loaded, shown: shownPoints } = shownCloud;
  const [settings, setSettings] = useState<ViewSettings>({ pointSize: 2, colorSource: 'file', up: upFromUrl(), modelView: false });
  const [fitRequest, setFitRequest] = useState(0);
  const [attentionView, setAttentionView] = useState<AttentionView>({ enabled: true, layer: 0, head: 'mean' });
  const [hoverPoint, setHoverPoint] = useState<number | null>(null);
  const classifier = useClassifier();
  const { classify } = classifier;
  const [mode, setMode] = useState<Mode>('one');

  // Whatever is on screen is classified, once drawn (useShownFirst), again when the up axis changes.
  const shownFirst = useShownFirst(shownPoints?.cloud ?? null);
  // On Auto, a floor found under y down sets the up (upWithFloor).
  const floorUp = gallery ? undefined : loaded?.result.floorUp;
  const up = upWithFloor(settings.up, floorUp);
  useEffect(() => {
    if (cloud && shownFirst.ready) classify({ positions: cloud.positions.subarray(0, cloud.count * 3), up });
  }, [cloud, shownFirst.ready, up, classify]);

  // Attention colours only for the result of the cloud on screen.
  const shown = resultForCloud(classifier.state.result, classifier.state.resultInput, cloud);
  // With the up automatic, the viewer stands the cloud on the up the model found.
  const viewUp = settings.up === 'auto' ? (shown?.answer.up ?? 'z') : settings.up;
  // "What the model sees": the normalised, upright cloud in place of the file's (modelView.ts).
  const seen = useModelView(settings.modelView, cloud, shownPoints, shown?.answer.up ?? null);
  const drawUp = seen ? seen.up : viewUp;
  const attention = useAttentionColours(shown, attentionView, hoverPoint, shownPoints?.indices ?? null);
  const fileHasColors = Boolean(cloud?.colors);
  // Each object's answer alone, for the picker, once the answer on screen is in.
  const objectAnswers = useObjectAnswers(gallery ? null : (loaded?.result ?? null), shown !== null && !classifier.state.classifying, classifier.client, {
    up,
    votes: classifier.state.votes,
    head: classifier.state.head,
    modelId: classifier.state.modelId,
  });
  // A file of several objects on a floor, shown whole, is coloured by object (the picker's swatches
  // name them); its answer is for them together, so no attention colours over it.
  const objectLabels = useObjectLabels(gallery || seen || shownCloud.object !== null ? null : loaded?.result.objects?.labels, shownPoints?.indices);
  const colorMode = useMemo<ColorMode>(() => {
    if (objectLabels) return { kind: 'objects', labels: objectLabels };
    return settings.colorSource === 'file' && fileHasColors ? { kind: 'file' } : { kind: 'height', up: drawUp };
  }, [objectLabels, settings.colorSource, drawUp, fileHasColors]);

  const openBatchRow = useCallback((file: File, archiveEntry?: string) => void shownCloud.openFile(file, false, archiveEntry), [shownCloud.openFile]);
  const batch = useBatchMode({
    parseClient: shownCloud.parseClient,
    modelClient: classifier.client,
    models: classifier.state.models,
    modelId: classifier.state.modelId,
    up: settings.up,
    votes: classifier.state.votes,
    head: classifier.state.head,
    openFile: openBatchRow,
    loadStatus: <LoadStatus loading={shownCloud.loading} onCancel={shownCloud.cancelLoad} />,
  });
  // Taught heads live at the page's level: the one in use classifies in every mode.
  const heads = useTaughtHeads(classifier);
  const teach = useTeachMode({ modelClient: classifier.client, opened: classifier.state.opened, up: settings.up, heads });
  const views: Record<Mode, ModeView> = {
    one: { panel: <OpenPanel loading={shownCloud.loading} onFile={shownCloud.openFile} onCancel={shownCloud.cancelLoad} /> },
    batch: { panel: batch.panel, below: batch.results, onDropMany: batch.startDropped },
    teach,
  };
  const view = views[mode];
  const dropMany = (dropped: Dropped) => {
    if (view.onDropMany) view.onDropMany(dropped);
    else {
      setMode('batch');
      batch.startDropped(dropped);
    }
  };

  return (
    <div className={view.below ? 'app with-below' : 'app'}>
      <WindowDropTarget onFile={shownCloud.openFile} onMany={dropMany} />
      <header className="app-header">
        <h1>Any2Point Web</h1>
        <p className="tagline">3D point clouds and meshes, read and shown on your own machine.</p>
      </header>
      <aside className="sidebar">
        {/* The tabs first in the page's order as on screen, so the keyboard's order is the one seen
            (WCAG 2.4.3): the first Tab lands on the selected tab, the next on the mode's own controls. */}
        <ModeTabs modes={MODES} mode={mode} onMode={setMode} panelId="mode-panel" />
        <div id="mode-panel" role="tabpanel" aria-labelledby={tabId(mode)}>
          {view.panel}
        </div>
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
        <Gallery onShape={shownCloud.openShape} />
        {gallery ? <GalleryInfo gallery={gallery} /> : loaded && <FileInfo entry={loaded} onKeepEveryPoint={shownCloud.reopen} onArchiveModel={shownCloud.openArchiveModel} object={shownCloud.object} onObject={shownCloud.pickObject} objectAnswers={objectAnswers} />}
        <ViewControls settings={settings} fileHasColors={fileHasColors} onChange={setSettings} onResetView={() => setFitRequest((n) => n + 1)} />
      </aside>
      <main className="stage">
        {shownCloud.failure && <ErrorBanner failure={shownCloud.failure} onDismiss={shownCloud.dismissFailure} />}
        {classifier.state.error && (
          <div className="classify-error" role="alert" data-testid="classify-error">
            {classifier.state.error}
          </div>
        )}
        <ViewerErrorBoundary>
          <Suspense fallback={<div className="viewer-loading muted">Loading the 3D viewer…</div>}>
            <Viewer
              cloud={seen?.cloud ?? shownPoints?.cloud ?? null}
              sphere={seen ? seen.sphere : shownPoints?.sphere}
              totalPoints={cloud?.count}
              colorMode={colorMode}
              up={drawUp}
              pointSize={settings.pointSize}
              scalars={objectLabels ? null : attention.scalars}
              fitRequest={fitRequest}
              onHover={setHoverPoint}
              onShown={seen ? undefined : shownFirst.onShown}
            />
          </Suspense>
        </ViewerErrorBoundary>
        {!cloud && (
          <div className="empty-state">
            <p>Drop a point cloud or mesh here</p>
            <p className="muted">{FORMAT_LABELS} — nothing leaves your machine</p>
          </div>
        )}
      </main>
      {view.below && <div className="stage-below">{view.below}</div>}
      <aside className="results">
        <ClassifyStatus stage={classifier.state.classifyStage} onCancel={classifier.cancelClassify} />
        <Predictions
          opened={classifier.state.opened}
          result={shown}
          classifying={classifier.state.classifying}
          parseMs={shownCloud.parseMs}
          source={shownCloud.source}
          upFromFloor={settings.up === 'auto' && up !== 'auto'}
          objects={!gallery && shownCloud.object === null ? loaded?.result.objects?.sizes.length : undefined}
        />
        {shown && !objectLabels && (
          <AttentionPanel
            attention={shown.attention}
            view={attention.view}
            colormap={ATTENTION_COLORMAP}
            range={attention.range}
            hover={attention.hover}
            onChange={setAttentionView}
          />
        )}
        {shown && classifier.state.opened && (
          <ProjectionView
            projection={classifier.state.opened.manifest.geometry.projection}
            pos={shown.pos}
            tokens={shown.attention.tokens}
            values={attention.tokenValues}
            colormap={ATTENTION_COLORMAP}
          />
        )}
      </aside>
    </div>
  );
}
