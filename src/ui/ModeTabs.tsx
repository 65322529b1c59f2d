// The page's modes as tabs (WAI-ARIA tabs pattern): one tab stop, the arrow keys, Home and End move
// between the tabs and select them. App.tsx holds the table of modes; this only draws it.
import { useRef, type KeyboardEvent } from 'react';
import './modeTabs.css';

export interface ModeTab<Id extends string> {
  id: Id;
  label: string;
}

interface Props<Id extends string> {
  modes: readonly ModeTab<Id>[];
  mode: Id;
  onMode: (mode: Id) => void;
  /** The id of the panel the tabs control. */
  panelId: string;
}

export const tabId = (mode: string) => `mode-tab-${mode}`;

export function ModeTabs<Id extends string>({ modes, mode, onMode, panelId }: Props<Id>) {
  const list = useRef<HTMLDivElement>(null);
  const onKeyDown = (event: KeyboardEvent) => {
    const at = modes.findIndex((m) => m.id === mode);
    const next = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: modes.length - 1 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    const target = modes[(next + modes.length) % modes.length];
    onMode(target.id);
    list.current?.querySelector<HTMLButtonElement>(`#${tabId(target.id)}`)?.focus();
  };
  return (
    <div className="mode-tabs" role="tablist" aria-label="Mode" ref={list} onKeyDown={onKeyDown}>
      {modes.map((m) => (
        <button
          key={m.id}
          type="button"
          role="tab"
          id={tabId(m.id)}
          aria-selected={m.id === mode}
          aria-controls={panelId}
          tabIndex={m.id === mode ? 0 : -1}
          onClick={() => onMode(m.id)}
        >
          {m.label}
        </button>
      ))}
    </div>
  );
}
