// What is on screen (and classified): the last loaded file, or a gallery shape, which replaces the
// file until the next file loads.
import { useCallback, useState } from 'react';
import type { GalleryShape } from '../gallery/shapes';
import type { PointCloud } from '../types/cloud';
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

  return {
    ...file,
    gallery,
    openShape,
    cloud: gallery?.cloud ?? file.loaded?.result.cloud ?? null,
    /** How the predictions panel names the source (tests read it). */
    source: gallery ? `gallery:${gallery.shape.id}` : (file.loaded?.fileName ?? null),
    /** The worker's parse time of the file shown; none for a gallery shape. */
    parseMs: gallery ? null : (file.loaded?.parseMs ?? null),
  };
}
