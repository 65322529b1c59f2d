// Worker lifecycle for components: a client (ParseClient, ModelClient) that lives as long as the
// component using it. Under React's StrictMode the effect runs twice in development, so a client
// is made on mount and disposed on unmount rather than once per module.
import { useEffect, useRef, type RefObject } from 'react';

export interface Disposable {
  dispose(): void;
}

/** The current client, null before mount and after unmount. `create` is called once per mount. */
export function useWorkerClient<C extends Disposable>(create: () => C): RefObject<C | null> {
  const ref = useRef<C | null>(null);
  const createRef = useRef(create);
  useEffect(() => {
    const client = createRef.current();
    ref.current = client;
    return () => {
      ref.current = null;
      client.dispose();
    };
  }, []);
  return ref;
}
