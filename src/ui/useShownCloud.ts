// What is on screen (and classified): the last loaded file, or a gallery shape, which replaces the
// file until the next file loads. `cloud` is classified in full; `shown` is what the viewer draws
// (a huge file's points within the viewer's budget, made by the parse worker).
import { useCallback, useMemo, useState } from 'react';
import type { GalleryShape } from '../gallery/shapes';
import type { PointCloud } from '../types/cloud';
import type { ShownPoints } from '../worker/shownPoints';
import { useLoadedFile } from './useLoadedFile';

export interface GalleryCloud {
  shape: GalleryShape;
  cloud: PointCloud;
}

export function useShownCloud() {
  const [gallery, setGallery] = useState<GalleryCloud | null>(null);
  const file = useLoadedFile(useCallback(() => setGallery(null), []));
  const { dismissFailure } = file;

  const openShape = useCallback(
    (shape: GalleryShape) => {
      setGallery({ shape, cloud: shape.make() });
      dismissFailure();
    },
    [dismissFailure],
  );

  const fileShown = file.loaded?.shown ?? null;
  const galleryCloud = gallery?.cloud ?? null;
  // A gallery shape is small: drawn whole, its bounds found by the viewer.
  const shown = useMemo<Pick<ShownPoints, 'cloud' | 'indices'> & Partial<Pick<ShownPoints, 'sphere'>> | null>(
    () => (galleryCloud ? { cloud: galleryCloud, indices: null } : fileShown),
    [galleryCloud, fileShown],
  );

  return {
    ...file,
    gallery,
    openShape,
    cloud: galleryCloud ?? file.loaded?.result.cloud ?? null,
    shown,
    /** How the predictions panel names the source (tests read it). */
    source: gallery ? `gallery:${gallery.shape.id}` : (file.loaded?.file.name ?? null),
    /** The worker's parse time of the file shown; none for a gallery shape. */
    parseMs: gallery ? null : (file.loaded?.parseMs ?? null),
  };
}
