// What the gallery shape on screen is (in place of the file information).
import type { GalleryCloud } from './useShownCloud';

export function GalleryInfo({ gallery }: { gallery: GalleryCloud }) {
  return (
    <section className="panel" data-testid="gallery-info">
      <h2>Gallery shape</h2>
      <p>
        {gallery.shape.name} · {gallery.cloud.count} points, made by this app
      </p>
    </section>
  );
}
