// Drop a file anywhere on the window (with an overlay while dragging) or pick one with a button.
// A drop of a folder or of several files goes to `onMany` (the batch mode) when it is given.
import { useEffect, useRef, useState } from 'react';
import { droppedItems, isBatchDrop, type Dropped } from '../files/folder';
import { ACCEPT } from '../io/formats';

function carriesFiles(event: DragEvent): boolean {
  return event.dataTransfer?.types.includes('Files') ?? false;
}

/** Listens on the window, so the whole page is the drop target. */
export function WindowDropTarget({ onFile, onMany }: { onFile: (file: File) => void; onMany?: (dropped: Dropped) => void }) {
  const [dragging, setDragging] = useState(false);
  const onFileRef = useRef(onFile);
  onFileRef.current = onFile;
  const onManyRef = useRef(onMany);
  onManyRef.current = onMany;

  useEffect(() => {
    // dragenter/dragleave fire for every child crossed; count them to know when the drag left.
    let depth = 0;
    const enter = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      depth++;
      setDragging(true);
    };
    const over = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    };
    const leave = () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const drop = (event: DragEvent) => {
      event.preventDefault();
      depth = 0;
      setDragging(false);
      if (!event.dataTransfer) return;
      // The items are read now: they are emptied once this handler returns.
      const dropped = droppedItems(event.dataTransfer);
      if (onManyRef.current && isBatchDrop(dropped)) {
        onManyRef.current(dropped);
        return;
      }
      const file = event.dataTransfer.files[0];
      if (file) onFileRef.current(file);
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, []);

  if (!dragging) return null;
  return (
    <div className="drop-overlay" data-testid="drop-overlay" aria-hidden="true">
      <div className="drop-overlay-card">Drop to open</div>
    </div>
  );
}

/** A real button (focusable, Enter/Space) that opens the file dialog. */
export function FilePickerButton({ onFile, disabled }: { onFile: (file: File) => void; disabled?: boolean }) {
  const inputRef = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" className="primary" onClick={() => inputRef.current?.click()} disabled={disabled}>
        Open a file…
      </button>
      <input
        ref={inputRef}
        type="file"
        hidden
        accept={ACCEPT}
        data-testid="file-input"
        onChange={(event) => {
          const file = event.currentTarget.files?.[0];
          // Cleared so choosing the same file again still fires a change.
          event.currentTarget.value = '';
          if (file) onFile(file);
        }}
      />
    </>
  );
}
