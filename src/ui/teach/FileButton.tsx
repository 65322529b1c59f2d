// A button that opens a file (or folder) picker: a real <button>, so it is reached with Tab and
// pressed with Enter or Space, which a hidden <input type=file> inside a <label> is not. The input
// stays in the page, hidden, for the picker and for tests that set its files.
import { useRef, type ReactNode } from 'react';

interface Props {
  children: ReactNode;
  disabled?: boolean;
  /** The hidden input's data-testid. */
  testId: string;
  accept?: string;
  multiple?: boolean;
  /** A folder picker: every file below it, with its relative path. */
  folder?: boolean;
  onFiles(files: File[]): void;
}

export function FileButton({ children, disabled, testId, accept, multiple, folder, onFiles }: Props) {
  const ref = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" disabled={disabled} onClick={() => ref.current?.click()}>
        {children}
      </button>
      <input
        ref={ref}
        type="file"
        hidden
        disabled={disabled}
        accept={accept}
        multiple={multiple}
        data-testid={testId}
        {...(folder ? { webkitdirectory: '' } : {})}
        onChange={(e) => {
          const files = Array.from(e.target.files ?? []);
          // Cleared so picking the same files again still fires a change.
          e.target.value = '';
          onFiles(files);
        }}
      />
    </>
  );
}
