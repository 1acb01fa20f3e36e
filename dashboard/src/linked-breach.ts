/**
 * @module linked-breach — the breach an e-mail's link names (`#/breaches?breach=42`): once the
 * breaches page shows its card, it is scrolled into view and marked (`data-linked`). The card
 * is found by its `data-breach` id, so the page itself needs no knowledge of links. A breach
 * outside the month the page shows is simply not found (the page opens on this month).
 */
import { useEffect } from 'preact/hooks';
import type { Route } from './route.ts';

/** `#/breaches?breach=42` → "42"; null when the hash names no breach. */
export function linkedBreach(hash: string): string | null {
  const query = hash.split('?')[1] ?? '';
  const id = new URLSearchParams(query).get('breach');
  return id && /^\d+$/.test(id) ? id : null;
}

/** How long to wait for the page to load its breaches (a slow link) before giving up. */
const WAIT_MS = 20_000;

export function useLinkedBreach(route: Route): void {
  useEffect(() => {
    const id = route === 'breaches' ? linkedBreach(location.hash) : null;
    if (!id) return;
    const mark = () => {
      const card = document.querySelector(`[data-breach="${id}"]`);
      if (!card) return false;
      card.setAttribute('data-linked', 'true');
      card.scrollIntoView({ block: 'center' });
      return true;
    };
    if (mark()) return;
    const observer = new MutationObserver(() => {
      if (mark()) stop();
    });
    const timer = setTimeout(() => stop(), WAIT_MS);
    function stop() {
      observer.disconnect();
      clearTimeout(timer);
    }
    observer.observe(document.body, { childList: true, subtree: true });
    return stop;
  }, [route]);
}
