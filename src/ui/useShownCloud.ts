// What is on screen (and classified): the last loaded file, or a gallery shape, which replaces the
// file until the next file loads. `cloud` is classified in full; `shown` is what the viewer draws
// (a huge file's points within the viewer's budget, made by the parse worker). A file of several
// objects on a floor (io/objects.ts) is shown whole, or one object of it alone once picked (until
// the next file).
import { useCallback, useMemo, useState } from 'react';
import type { GalleryShape } from '../gallery/shapes';
import { objectCloud } from '../io/objects';
import type { PointCloud } from '../types/cloud';
import { shownPoints, type ShownPoints } from '../worker/shownPoints';
import type { LoadedEntry } from './FileInfo';
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

  // The object picked (1-based) of the file it was picked in: a new file shows whole.
  const [pick, setPick] = useState<{ entry: LoadedEntry; object: number } | null>(null);
  const { loaded } = file;
  const object = pick !== null && pick.entry === loaded ? pick.object : null;
  const pickObject = useCallback((k: number | null) => setPick(loaded && k !== null ? { entry: loaded, object: k } : null), [loaded]);
  const picked = useMemo(() => {
    const objects = loaded?.result.objects;
    if (!loaded || !objects || object === null) return null;
    const cloud = objectCloud(loaded.result.cloud, objects.labels, object);
    return { cloud, shown: shownPoints(cloud) };
  }, [loaded, object]);

  const fileShown = picked?.shown ?? loaded?.shown ?? null;
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
    cloud: galleryCloud ?? picked?.cloud ?? loaded?.result.cloud ?? null,
    shown,
    /** The object of the file shown alone (1-based), or null: the whole file. */
    object: gallery ? null : object,
    pickObject,
    /** How the predictions panel names the source (tests read it): an object as file#k. */
    source: gallery ? `gallery:${gallery.shape.id}` : loaded ? `${loaded.file.name}${object === null ? '' : `#${object}`}` : null,
    /** The worker's parse time of the file shown; none for a gallery shape. */
    parseMs: gallery ? null : (file.loaded?.parseMs ?? null),
  };
}
