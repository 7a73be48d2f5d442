/**
 * Live updates from a server-sent event stream of the API (e.g. /v1/sites/{siteId}/numbers/events).
 * EventSource cannot send the bearer token, so the stream is read with fetch. Reconnects with a
 * growing delay while the page shows it; every (re)connection counts as a change, since events may
 * have been missed while it was down.
 */
import { useEffect, useRef, useState } from 'react';
import { auth } from '../api/client.ts';

export type LiveState = 'connecting' | 'live' | 'offline';

/** Calls `onChange` (debounced) on every event of `url`, and once on each (re)connection. */
export function useLiveChanges(url: string | null, onChange: () => void): LiveState {
  const [state, setState] = useState<LiveState>('connecting');
  const handler = useRef(onChange);
  handler.current = onChange;
  useEffect(() => {
    if (!url) return undefined;
    const ctrl = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    // several changes in a burst (a bulk edit) make one reload
    const changed = () => {
      clearTimeout(timer);
      timer = setTimeout(() => handler.current(), 150);
    };
    void (async () => {
      let delay = 1000;
      let first = true;
      while (!ctrl.signal.aborted) {
        setState('connecting');
        try {
          const headers: Record<string, string> = { accept: 'text/event-stream' };
          if (auth.token) headers.authorization = `Bearer ${auth.token}`;
          if (auth.accountId) headers['tandem-account'] = auth.accountId;
          const res = await fetch(url, { headers, signal: ctrl.signal });
          if (!res.ok || !res.body) throw new Error(`stream answered ${res.status}`);
          const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
          let buf = '';
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            buf += value;
            let i: number;
            while ((i = buf.indexOf('\n\n')) >= 0) {
              const block = buf.slice(0, i);
              buf = buf.slice(i + 2);
              if (/^: ready$/m.test(block)) {
                setState('live');
                delay = 1000;
                if (!first) changed(); // back after a break: catch up
                first = false;
              } else if (/^event: /m.test(block)) changed();
            }
          }
        } catch {
          // aborted, refused or dropped: retry below unless the page went away
        }
        if (ctrl.signal.aborted) break;
        setState('offline');
        first = false;
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 30_000);
      }
    })();
    return () => {
      clearTimeout(timer);
      ctrl.abort();
    };
  }, [url]);
  return state;
}
