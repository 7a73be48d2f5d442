/**
 * Lists the API pages (`limit`, `cursor` → `nextCursor`): `usePaged` loads the first page on load
 * and whenever the filters change, further pages with "Load more" (`<LoadMore>`); answers to an older
 * filter are ignored. `allPages` reads a small list whole (pickers); `useDebounced` lets a list filter
 * as the admin types without a request per keystroke.
 */
import { useEffect, useState } from 'react';
import type { ApiError } from '../api/client.ts';
import { asApiError, useLoad } from './data.ts';
import { LoadError } from './ui.tsx';

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
  loadMore(): Promise<void>;
  reload(): Promise<void>;
}

export function usePaged<T>(load: (cursor: string | undefined) => Promise<PageAnswer<T>>, deps: unknown[]): Paged<T> {
  const first = useLoad(() => load(undefined), deps);
  // further pages belong to the first page they followed: a reload or a new filter drops them
  const [extra, setExtra] = useState<{ base: PageAnswer<T>; items: T[]; next: string | null } | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<ApiError | null>(null);
  const current = extra && extra.base === first.data ? extra : null;
  const next = current ? current.next : first.data?.nextCursor ?? null;
  const loadMore = async () => {
    const base = first.data;
    if (!next || !base) return;
    setLoadingMore(true);
    setMoreError(null);
    try {
      const page = await load(next);
      setExtra((e) => ({ base, items: [...(e && e.base === base ? e.items : []), ...page.items], next: page.nextCursor }));
    } catch (e) {
      setMoreError(asApiError(e));
    } finally {
      setLoadingMore(false);
    }
  };
  return {
    items: first.data ? [...first.data.items, ...(current?.items ?? [])] : null,
    error: first.error, loading: first.loading, hasMore: next !== null, loadingMore, moreError, loadMore, reload: first.reload,
  };
}

/** The "Load more" button under a paged list (and the error of a failed next page). */
export function LoadMore<T>({ list }: { list: Paged<T> }) {
  return (
    <>
      {list.moreError && <LoadError error={list.moreError} retry={() => void list.loadMore()} />}
      {list.hasMore && (
        <div className="actions load-more">
          <button type="button" onClick={() => void list.loadMore()} disabled={list.loadingMore}>{list.loadingMore ? 'Loading…' : 'Load more'}</button>
        </div>
      )}
    </>
  );
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
