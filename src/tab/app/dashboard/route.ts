import { useEffect, useState } from 'react';

/**
 * Hash routes, so Teams deep links and reloads land on the same view without server routing:
 * #/me/<round> · #/team/<round> · #/rounds/<round> · #/rounds/new · #/experiments/<round>/<person>
 */
export type Route =
  | { readonly view: 'home' }
  | { readonly view: 'me'; readonly roundId: string }
  | { readonly view: 'team'; readonly roundId: string }
  | { readonly view: 'owner'; readonly roundId: string }
  | { readonly view: 'new-round' }
  | { readonly view: 'experiment'; readonly roundId: string; readonly participantId: string };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [head, a, b] = parts;
  if (head === 'me' && a) return { view: 'me', roundId: a };
  if (head === 'team' && a) return { view: 'team', roundId: a };
  if (head === 'rounds' && a === 'new') return { view: 'new-round' };
  if (head === 'rounds' && a) return { view: 'owner', roundId: a };
  if (head === 'experiments' && a && b) return { view: 'experiment', roundId: a, participantId: b };
  return { view: 'home' };
}

export function hrefOf(route: Route): string {
  switch (route.view) {
    case 'home': return '#/';
    case 'me': return `#/me/${encodeURIComponent(route.roundId)}`;
    case 'team': return `#/team/${encodeURIComponent(route.roundId)}`;
    case 'owner': return `#/rounds/${encodeURIComponent(route.roundId)}`;
    case 'new-round': return '#/rounds/new';
    case 'experiment': return `#/experiments/${encodeURIComponent(route.roundId)}/${encodeURIComponent(route.participantId)}`;
  }
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}

export function go(route: Route): void {
  window.location.hash = hrefOf(route);
}
