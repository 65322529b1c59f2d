// React wrapper around PointViewer. Props are forwarded to the imperative viewer in effects; no
// per-frame data passes through React.
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { PointCloud } from '../../types/cloud';
import type { BoundingSphere } from './cloudToGeometry';
import type { ColorMode } from './colorMode';
import type { UpAxis } from '../../geometry/upTurn';
import { type PointScalars, PointViewer } from './pointViewer';
import { ShownPointsNote } from './ShownPointsNote';

export interface ViewerProps {
  /** The points to draw (a huge file's are a subset within the viewer's budget). */
  cloud: PointCloud | null;
  /** The cloud's bounding sphere when already known, so the page need not walk the points. */
  sphere?: BoundingSphere;
  /** Points of the whole (classified) cloud, for "showing N of M points"; `cloud.count` when absent. */
  totalPoints?: number;
  colorMode: ColorMode;
  up: UpAxis;
  /** Point size in screen pixels. */
  pointSize: number;
  /** Attention hook: when set, points are coloured by these values instead of colorMode. */
  scalars?: PointScalars | null;
  /** Changing this number puts the camera back to fit the cloud. */
  fitRequest?: number;
  /** Called with `cloud` once the viewer has drawn it (at its final size). */
  onShown?: (cloud: PointCloud) => void;
  /** The index of the point under the pointer (null when none), for hover read-outs. */
  onHover?: (index: number | null) => void;
}

export function Viewer({ cloud, sphere, totalPoints, colorMode, up, pointSize, scalars = null, fitRequest = 0, onHover, onShown }: ViewerProps) {
  const hostRef = useRef<HTMLDivElement>(null);
  const viewerRef = useRef<PointViewer | null>(null);
  const latest = useRef({ colorMode, up, pointSize, sphere });
  const [failure, setFailure] = useState<Error | null>(null);
  const [drawn, setDrawn] = useState(0);
  // Rethrown during render so the surrounding error boundary shows it.
  if (failure) throw failure;

  useLayoutEffect(() => {
    latest.current = { colorMode, up, pointSize, sphere };
  });

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    let viewer: PointViewer;
    try {
      viewer = new PointViewer(host);
    } catch (error) {
      setFailure(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    viewer.setPointSize(latest.current.pointSize);
    viewer.setDrawnListener(setDrawn);
    viewerRef.current = viewer;
    return () => {
      viewerRef.current = null;
      viewer.dispose();
    };
  }, []);

  useEffect(() => {
    const viewer = viewerRef.current;
    const host = hostRef.current;
    if (!viewer || !host || !cloud) return;
    viewer.setCloud(cloud, latest.current.colorMode, latest.current.up, latest.current.sphere);
    // The points handed to the viewer (a huge file's are a subset, worker/shownPoints.ts); frames
    // draw as many of them as this GL affords: data-drawn on the canvas, and the note.
    host.dataset.points = String(cloud.count);
  }, [cloud]);

  useEffect(() => viewerRef.current?.setColorMode(colorMode), [colorMode]);
  useEffect(() => viewerRef.current?.setUp(up), [up]);
  useEffect(() => viewerRef.current?.setPointSize(pointSize), [pointSize]);
  useEffect(() => viewerRef.current?.setScalars(scalars), [scalars]);
  useEffect(() => viewerRef.current?.setHoverListener(onHover ?? null), [onHover]);
  useEffect(() => viewerRef.current?.setShownListener(onShown ?? null), [onShown]);
  useEffect(() => {
    if (fitRequest > 0) viewerRef.current?.fitCamera();
  }, [fitRequest]);

  return (
    <>
      <div ref={hostRef} className="viewer-canvas-host" data-testid="viewer" />
      {cloud && <ShownPointsNote shown={drawn} total={totalPoints ?? cloud.count} />}
    </>
  );
}
