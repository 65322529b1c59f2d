// The teach form's classes: a name and files for each, a row per class; a folder of class
// sub-folders (picked or dropped) fills them at once (src/files/folder.ts gives the labels).
import { listFileList, type FolderListing } from '../../files/folder';
import { ACCEPT } from '../../io/formats';
import { FileButton } from './FileButton';
import { newClass, type TeachClass } from './teachClasses';

interface Props {
  classes: TeachClass[];
  disabled: boolean;
  onChange(classes: TeachClass[]): void;
  /** A folder of class folders (picked here, or dropped on the page). */
  onListing(listing: FolderListing): void;
  /** The folder could not be listed. */
  onListingError(error: unknown): void;
  /** What the last folder gave, in words. */
  note: string | null;
}


export function ClassRows({ classes, disabled, onChange, onListing, onListingError, note }: Props) {
  const update = (key: number, patch: Partial<TeachClass>) => onChange(classes.map((c) => (c.key === key ? { ...c, ...patch } : c)));

  return (
    <div className="teach-classes" data-testid="teach-classes">
      <ol>
        {classes.map((c, i) => (
          <li key={c.key} className="teach-class" data-testid={`teach-class-${i}`}>
            <input
              type="text"
              value={c.name}
              placeholder={`Class ${i + 1}`}
              aria-label={`Name of class ${i + 1}`}
              data-testid={`teach-class-name-${i}`}
              disabled={disabled}
              onChange={(e) => update(c.key, { name: e.target.value })}
            />
            <FileButton
              multiple
              accept={ACCEPT}
              testId={`teach-class-files-${i}`}
              disabled={disabled}
              onFiles={(picked) => update(c.key, { files: [...c.files, ...picked.filter((f) => !c.files.some((t) => t.file === f)).map((file) => ({ file, path: file.name }))] })}
            >
              Add files
            </FileButton>
            <span className="muted" data-testid={`teach-class-count-${i}`} data-value={c.files.length} title={c.files.map((f) => f.path).join('\n')}>
              {c.files.length} file{c.files.length === 1 ? '' : 's'}
            </span>
            <button type="button" disabled={disabled || classes.length <= 1} aria-label={`Remove class ${i + 1}`} onClick={() => onChange(classes.filter((x) => x.key !== c.key))}>
              ×
            </button>
          </li>
        ))}
      </ol>
      <p className="teach-add">
        <button type="button" disabled={disabled} onClick={() => onChange([...classes, newClass()])} data-testid="teach-add-class">
          Add a class
        </button>
        {/* A folder picker: every file below it, with its relative path (folder.ts reads the labels). */}
        <FileButton folder testId="teach-folder" disabled={disabled} onFiles={(list) => void listFileList(list).then(onListing, onListingError)}>
          Add a folder of class folders…
        </FileButton>
        <span className="muted">or drop one here</span>
      </p>
      {note && (
        <p className="muted" data-testid="teach-listing">
          {note}
        </p>
      )}
    </div>
  );
}
