import { useCallback, useEffect, useRef, useState } from 'react';
import { messageOf, type ApiClient } from '../common/api';
import type { MeetingSessionAnswer as MeetingSession } from '../../../contracts/meeting';

/**
 * The meeting's state, polled every 2.5 s. Why poll, not push: a tab inside a Teams meeting iframe cannot
 * count on a socket through Teams, corporate proxies and several service instances, and "everyone's view
 * follows within a few seconds" is the requirement. The server answers with an ETag and
 * `Cache-Control: private, no-cache`, so the browser revalidates each poll with If-None-Match and an
 * unchanged session costs a 304 with no body; the view re-renders only when the JSON changed.
 */
export const POLL_INTERVAL_MS = 2500;

export function useMeetingSession(api: ApiClient, chatId: string) {
  const [session, setSession] = useState<MeetingSession | null>(null);
  const [error, setError] = useState<string | null>(null);
  const last = useRef('');

  const load = useCallback(async (signal?: AbortSignal) => {
    try {
      const next = await api.get(`/meetings/${encodeURIComponent(chatId)}/session`, 'meetingSession', { signal });
      const text = JSON.stringify(next);
      if (text !== last.current) {
        last.current = text;
        setSession(next);
      }
      setError(null);
    } catch (caught) {
      if ((caught as Error).name === 'AbortError') return;
      setError(messageOf(caught));
    }
  }, [api, chatId]);

  useEffect(() => {
    const controller = new AbortController();
    void load(controller.signal);
    const timer = setInterval(() => { void load(controller.signal); }, POLL_INTERVAL_MS);
    return () => { controller.abort(); clearInterval(timer); };
  }, [load]);

  /** After the owner's own change: show the server's answer at once instead of waiting for the next poll. */
  const accept = useCallback((next: MeetingSession) => {
    last.current = JSON.stringify(next);
    setSession(next);
  }, []);

  return { session, error, refresh: () => load(), accept };
}
