/**
 * A page cache for big tables: rows are fetched in pages on demand (only the pages the
 * virtualiser shows) and kept in a bounded LRU. Changing `key` drops the cache.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { EngineError, Page, Result } from '../../../engine/api-types';

export interface PagedRows<T> {
  total: number | null;
  row(index: number): T | undefined;
  /** Ask for the pages covering [first, last]. */
  want(first: number, last: number): void;
  error: EngineError | null;
}

const MAX_PAGES = 400;

export function usePaged<T>(
  key: string,
  pageSize: number,
  fetchPage: (offset: number, limit: number) => Promise<Result<Page<T>>>,
  initialTotal: number | null = null,
): PagedRows<T> {
  const pages = useRef(new Map<number, T[]>());
  const inflight = useRef(new Set<number>());
  const gen = useRef(0);
  const [total, setTotal] = useState<number | null>(initialTotal);
  const [error, setError] = useState<EngineError | null>(null);
  const [, setVersion] = useState(0);
  const fetchRef = useRef(fetchPage);
  fetchRef.current = fetchPage;

  const load = useCallback(
    (page: number) => {
      if (pages.current.has(page) || inflight.current.has(page)) return;
      inflight.current.add(page);
      const g = gen.current;
      fetchRef.current(page * pageSize, pageSize).then((r) => {
        if (g !== gen.current) return;
        inflight.current.delete(page);
        if (!r.ok) {
          setError(r.error);
          return;
        }
        pages.current.set(page, r.value.rows);
        if (pages.current.size > MAX_PAGES) {
          const oldest = pages.current.keys().next().value;
          if (oldest !== undefined) pages.current.delete(oldest);
        }
        setTotal(r.value.total);
        setVersion((v) => v + 1);
      });
    },
    [pageSize],
  );

  useEffect(() => {
    gen.current++;
    pages.current = new Map();
    inflight.current = new Set();
    setTotal(initialTotal);
    setError(null);
    setVersion((v) => v + 1);
    load(0);
  }, [key]);

  const row = (index: number): T | undefined => {
    const p = pages.current.get(Math.floor(index / pageSize));
    return p?.[index % pageSize];
  };
  const totalRef = useRef(total);
  totalRef.current = total;
  const want = useCallback(
    (first: number, last: number) => {
      if (last < first) return;
      const lo = Math.floor(first / pageSize);
      const hi = Math.floor(last / pageSize);
      for (let p = lo; p <= hi; p++) load(p);
      // The pages either side, before they are needed: a fast scroll then shows rows, not "…" placeholders
      // followed by a second render when the page arrives (issue #15: scrolling 320k rows).
      const pages = totalRef.current === null ? Infinity : Math.ceil(totalRef.current / pageSize);
      if (hi + 1 < pages) load(hi + 1);
      if (lo > 0) load(lo - 1);
    },
    [load, pageSize],
  );
  return { total, row, want, error };
}
