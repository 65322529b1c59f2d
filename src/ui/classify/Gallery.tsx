// Example shapes made by the project (src/gallery), so the app can be tried without a file.
import { GALLERY, type GalleryShape } from '../../gallery/shapes';

export function Gallery({ onShape }: { onShape: (shape: GalleryShape) => void }) {
  return (
    <section className="panel" aria-labelledby="gallery-title">
      <h2 id="gallery-title">Gallery</h2>
      <div className="gallery-buttons">
        {GALLERY.map((shape) => (
          <button key={shape.id} type="button" data-testid={`gallery-${shape.id}`} onClick={() => onShape(shape)}>
            {shape.name}
          </button>
        ))}
      </div>
    </section>
  );
}
