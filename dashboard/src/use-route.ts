/** @module use-route — the current page from the location hash, following `hashchange`. */
import { useEffect, useState } from 'preact/hooks';
import { type Route, routeOf } from './route.ts';

export function useRoute(): Route {
  const [route, setRoute] = useState<Route>(() => routeOf(location.hash));
  useEffect(() => {
    const changed = () => setRoute(routeOf(location.hash));
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return route;
}
