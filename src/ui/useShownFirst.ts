// Show first, then classify. On a machine with few cores, classifying a huge cloud competes for the
// CPU with the GL drawing its first frames, and a software GL makes the page wait for each frame
// (viewer/pointBudget.ts): a 25,000-point first frame took 550 ms while the model worker ran.
// So a cloud is classified once the viewer has drawn it, or after MAX_WAIT_MS when it cannot
// (no WebGL, the viewer's code still loading).
import { useEffect, useState } from 'react';
import type { PointCloud } from '../types/cloud';

export const MAX_WAIT_MS = 2000;

/** `ready`: `viewCloud` was drawn (the viewer called `onShown` with it) or waited for long enough. */
export function useShownFirst(viewCloud: PointCloud | null) {
  const [drawn, setDrawn] = useState<PointCloud | null>(null);
  const [waited, setWaited] = useState<PointCloud | null>(null);
  useEffect(() => {
    if (!viewCloud) return;
    const timer = setTimeout(() => setWaited(viewCloud), MAX_WAIT_MS);
    return () => clearTimeout(timer);
  }, [viewCloud]);
  return { ready: viewCloud !== null && (drawn === viewCloud || waited === viewCloud), onShown: setDrawn };
}
