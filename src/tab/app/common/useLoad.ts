import { useCallback, useEffect, useState } from 'react';
import { ApiError, messageOf } from './api';

/** One GET's lifecycle for a view: loading → ready | failed, with a reload that keeps the last data on screen. */
export type Loaded<T> =
  | { readonly state: 'loading'; readonly data?: undefined; readonly error?: undefined }
  | { readonly state: 'ready'; readonly data: T; readonly error?: undefined }
  | { readonly state: 'failed'; readonly data?: undefined; readonly error: string; readonly status: number };

export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[]): Loaded<T> & { reload(): void; replace(data: T): void } {
  const [result, setResult] = useState<Loaded<T>>({ state: 'loading' });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    load(controller.signal)
      .then((data) => { if (!controller.signal.aborted) setResult({ state: 'ready', data }); })
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        setResult({ state: 'failed', error: messageOf(error), status: error instanceof ApiError ? error.status : 0 });
      });
    return () => controller.abort();
    // The caller names what the load depends on.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  const replace = useCallback((data: T) => setResult({ state: 'ready', data }), []);
  return { ...result, reload, replace };
}
