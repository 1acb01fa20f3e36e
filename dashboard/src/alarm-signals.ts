/**
 * @module alarm-signals — how a screen calls an operator when an alarm or breach opens: a tone
 * (Web Audio, no sound file: a safety alarm sounds a two-tone siren, a permit breach three
 * short beeps), a vibration where the device has one, and a browser notification where the
 * user allowed it. Every browser API is optional: a missing one is skipped, never an error.
 * "Silenciar" silences this screen only (localStorage, until a time): it clears, acknowledges
 * and hides nothing; the summary bar keeps showing every open alarm.
 */

export type Tone = 'safety' | 'breach';

/** How long "Silenciar" lasts. */
export const SILENCE_MS = 15 * 60_000;
const SILENCE_KEY = 'vigia.silencedUntil';

type AudioCtor = typeof AudioContext;
let audio: AudioContext | null = null;

function audioContext(): AudioContext | null {
  if (audio) return audio;
  const Ctor =
    (globalThis as { AudioContext?: AudioCtor; webkitAudioContext?: AudioCtor }).AudioContext ??
    (globalThis as { webkitAudioContext?: AudioCtor }).webkitAudioContext;
  if (!Ctor) return null;
  audio = new Ctor();
  return audio;
}

/**
 * Browsers start audio only after a gesture: call on the first tap of the page (sign-in counts)
 * so a later alarm can sound on a screen nobody touched since.
 */
export function unlockAudio(): void {
  const ctx = audioContext();
  if (ctx && ctx.state === 'suspended') void ctx.resume().catch(() => {});
}

/** Beeps as [frequency Hz, start s, length s]. */
const PATTERNS: Record<Tone, [number, number, number][]> = {
  safety: [
    [660, 0, 0.35],
    [990, 0.35, 0.35],
    [660, 0.7, 0.35],
    [990, 1.05, 0.35],
    [660, 1.4, 0.35],
    [990, 1.75, 0.35],
  ],
  breach: [
    [880, 0, 0.15],
    [880, 0.3, 0.15],
    [880, 0.6, 0.15],
  ],
};

/** Play `tone` once; false when this browser has no Web Audio. */
export function playTone(tone: Tone): boolean {
  const ctx = audioContext();
  if (!ctx) return false;
  if (ctx.state === 'suspended') void ctx.resume().catch(() => {});
  const t0 = ctx.currentTime + 0.05;
  for (const [freq, start, length] of PATTERNS[tone]) {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = tone === 'safety' ? 'sawtooth' : 'square';
    osc.frequency.value = freq;
    gain.gain.value = 0.2;
    osc.connect(gain).connect(ctx.destination);
    osc.start(t0 + start);
    osc.stop(t0 + start + length);
  }
  return true;
}

export function vibrate(tone: Tone): void {
  const nav = globalThis.navigator as Navigator | undefined;
  nav?.vibrate?.(tone === 'safety' ? [400, 150, 400, 150, 400] : [200, 100, 200]);
}

/** Whether to offer the "allow notifications" button: the user has not decided yet. */
export function canAskNotifications(): boolean {
  return typeof Notification !== 'undefined' && Notification.permission === 'default';
}

export async function askNotifications(): Promise<void> {
  if (typeof Notification === 'undefined') return;
  await Notification.requestPermission().catch(() => 'denied');
}

/** A notification where allowed; `tag` replaces an older one about the same alarm. */
export function notify(title: string, body: string, tag: string): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  try {
    new Notification(title, { body, tag });
  } catch {
    // Android Chrome allows notifications only from a service worker: the tone and bar remain.
  }
}

/** Until when this screen is silenced (epoch ms, browser clock), or 0. */
export function silencedUntil(now = Date.now()): number {
  try {
    const until = Number(globalThis.localStorage?.getItem(SILENCE_KEY) ?? 0);
    return until > now ? until : 0;
  } catch {
    return 0;
  }
}

export function setSilencedUntil(until: number): void {
  try {
    if (until > 0) globalThis.localStorage?.setItem(SILENCE_KEY, String(until));
    else globalThis.localStorage?.removeItem(SILENCE_KEY);
  } catch {
    // Private mode: the silence lasts while the page is open (the caller keeps it in state).
  }
}

/** Sound, vibrate and notify for one opening, unless silenced. */
export function signalAlarm(tone: Tone, title: string, body: string, tag: string, now = Date.now()): boolean {
  if (silencedUntil(now) > 0) return false;
  playTone(tone);
  vibrate(tone);
  notify(title, body, tag);
  return true;
}

/**
 * Keep the screen awake while `active` (the live page); re-acquired when the page becomes
 * visible again (the browser drops the lock when hidden). Returns the cleanup.
 */
export function keepAwake(): () => void {
  const nav = globalThis.navigator as
    | (Navigator & { wakeLock?: { request(t: 'screen'): Promise<{ release(): Promise<void> }> } })
    | undefined;
  if (!nav?.wakeLock) return () => {};
  let lock: { release(): Promise<void> } | null = null;
  let done = false;
  const acquire = () => {
    if (done || document.visibilityState !== 'visible') return;
    nav
      .wakeLock!.request('screen')
      .then((l) => {
        if (done) void l.release().catch(() => {});
        else lock = l;
      })
      .catch(() => {});
  };
  acquire();
  document.addEventListener('visibilitychange', acquire);
  return () => {
    done = true;
    document.removeEventListener('visibilitychange', acquire);
    void lock?.release().catch(() => {});
  };
}
