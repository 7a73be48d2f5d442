/**
 * A list the API pages (`limit`, `cursor` → `nextCursor`): the first page loads now and whenever
 * `deps` change (a search, a filter); `loadMore()` appends the next page. Stale answers are ignored.
 * Also `allPages` for small lists a form picks from, and `useDebounced`, for lists that filter as
 * the admin types.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiError } from '../api/client.ts';
import { asApiError } from './data.ts';

export interface PageAnswer<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Paged<T> {
  items: T[] | null;
  error: ApiError | null;
  /** The first page is loading (a new search or filter). */
  loading: boolean;
  /** A further page is loading. */
  loadingMore: boolean;
  hasMore: boolean;
  loadMore(): Promise<void>;
  /** Loads the first page again (after a change). */
  reload(): Promise<void>;
}

export function usePaged<T>(fetchPage: (cursor: string | undefined) => Promise<PageAnswer<T>>, deps: unknown[]): Paged<T> {
  const [items, setItems] = useState<T[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const [loadingMore, setLoadingMore] = useState(false);
  const seq = useRef(0);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- the caller names the dependencies
  const fetcher = useCallback(fetchPage, deps);

  const reload = useCallback(async () => {
    const mine = ++seq.current;
    setLoading(true);
    try {
      const page = await fetcher(undefined);
      if (mine !== seq.current) return;
      setItems(page.items);
      setCursor(page.nextCursor);
      setError(null);
    } catch (e) {
      if (mine === seq.current) setError(asApiError(e));
    } finally {
      if (mine === seq.current) setLoading(false);
    }
  }, [fetcher]);

  const loadMore = useCallback(async () => {
    if (!cursor) return;
    const mine = seq.current;
    setLoadingMore(true);
    try {
      const page = await fetcher(cursor);
      if (mine !== seq.current) return;
      setItems((prev) => [...(prev ?? []), ...page.items]);
      setCursor(page.nextCursor);
      setError(null);
    } catch (e) {
      if (mine === seq.current) setError(asApiError(e));
    } finally {
      setLoadingMore(false);
    }
  }, [fetcher, cursor]);

  useEffect(() => {
    void reload();
  }, [reload]);

  return { items, error, loading, loadingMore, hasMore: cursor !== null, loadMore, reload };
}

/** `value`, once it has stayed the same for `ms` (a search box filtering as the admin types). */
export function useDebounced<T>(value: T, ms = 250): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return settled;
}

/** Every item of a paged list (following `nextCursor`): for lists that stay small (pickers). */
export async function allPages<T>(page: (cursor: string | undefined) => Promise<PageAnswer<T>>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  // a guard against a server that never ends the list: 100 pages is far beyond any picker's list
  for (let i = 0; i < 100; i++) {
    const p = await page(cursor);
    items.push(...p.items);
    if (!p.nextCursor) break;
    cursor = p.nextCursor;
  }
  return items;
}
