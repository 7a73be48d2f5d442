/**
 * A list the API pages (`limit`, `cursor` → `nextCursor`): the first page on load and whenever the
 * filters change, further pages with "Load more". Answers to an older filter are ignored.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiError } from '../../api/client.ts';
import { asApiError } from '../../components/data.ts';
import { LoadError } from '../../components/ui.tsx';

export interface PageAnswer<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Paged<T> {
  items: T[] | null;
  error: ApiError | null;
  loading: boolean;
  hasMore: boolean;
  loadingMore: boolean;
  moreError: ApiError | null;
  more(): Promise<void>;
  reload(): Promise<void>;
}

export function usePaged<T>(load: (cursor: string | undefined) => Promise<PageAnswer<T>>, deps: unknown[]): Paged<T> {
  const [state, setState] = useState<{ items: T[]; next: string | null } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<ApiError | null>(null);
  const seq = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  const reload = useCallback(async () => {
    const mine = ++seq.current;
    setLoading(true);
    setMoreError(null);
    try {
      const page = await loadRef.current(undefined);
      if (mine === seq.current) {
        setState({ items: page.items, next: page.nextCursor });
        setError(null);
      }
    } catch (e) {
      if (mine === seq.current) setError(asApiError(e));
    } finally {
      if (mine === seq.current) setLoading(false);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the caller names the dependencies
  }, deps);

  useEffect(() => {
    void reload();
  }, [reload]);

  const more = useCallback(async () => {
    if (!state?.next) return;
    const mine = seq.current;
    setLoadingMore(true);
    setMoreError(null);
    try {
      const page = await loadRef.current(state.next);
      if (mine === seq.current) setState((s) => s && { items: [...s.items, ...page.items], next: page.nextCursor });
    } catch (e) {
      if (mine === seq.current) setMoreError(asApiError(e));
    } finally {
      setLoadingMore(false);
    }
  }, [state]);

  return { items: state?.items ?? null, error, loading, hasMore: !!state?.next, loadingMore, moreError, more, reload };
}

/** The "Load more" button under a paged list (and the error of a failed next page). */
export function LoadMore<T>({ list }: { list: Paged<T> }) {
  return (
    <>
      {list.moreError && <LoadError error={list.moreError} retry={() => void list.more()} />}
      {list.hasMore && (
        <div className="actions load-more">
          <button type="button" onClick={() => void list.more()} disabled={list.loadingMore}>{list.loadingMore ? 'Loading…' : 'Load more'}</button>
        </div>
      )}
    </>
  );
}
