/**
 * @module state-icon — the icons beside the words of a rule state, as inline SVG (no icon
 * font, no emoji: cheap tablets lack the glyphs). Shapes differ, not only colours: a triangle
 * for a safety alarm, an octagon for a permit breach, a clock for pending. Decorative: the
 * words next to them say the same thing.
 */
import type { TileIcon } from '../tile-look.ts';

export function StateIcon({ kind, size = 32 }: { kind: TileIcon; size?: number }) {
  return (
    <svg
      class={`state-icon state-icon--${kind}`}
      width={size}
      height={size}
      viewBox="0 0 32 32"
      aria-hidden="true"
      focusable="false"
    >
      {kind === 'alarm' && <path d="M16 2 L31 29 H1 Z" fill="currentColor" />}
      {kind === 'breach' && <path d="M10 1 H22 L31 10 V22 L22 31 H10 L1 22 V10 Z" fill="currentColor" />}
      {kind === 'pending' && <circle cx="16" cy="16" r="14" fill="none" stroke="currentColor" stroke-width="4" />}
      {kind === 'pending' ? (
        <path d="M16 8 V17 L22 21" fill="none" stroke="currentColor" stroke-width="4" stroke-linecap="round" />
      ) : (
        <g class="state-icon__mark">
          <rect x="14" y={kind === 'alarm' ? 11 : 7} width="4" height={kind === 'alarm' ? 10 : 12} rx="1" />
          <rect x="14" y={kind === 'alarm' ? 23 : 22} width="4" height="4" rx="1" />
        </g>
      )}
    </svg>
  );
}
