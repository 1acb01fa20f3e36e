/**
 * @module pi/alarm-sound — the alarm's sound and vibration on the page on the Pi.
 * Web Audio (a two-tone beep every second; no audio file) and `navigator.vibrate`, where the
 * browser allows: most need one tap on the page before sound may play ("Activar sonido").
 * Silencing stops the sound on this screen only, for `SILENCE_MS`; it never clears an alarm,
 * and a new alarm after the silence ends sounds again.
 */
export const SILENCE_MS = 5 * 60_000;

export function createAlarmSound() {
  let ctx: AudioContext | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;

  function beep(): void {
    const audio = ctx;
    if (audio?.state !== 'running') return;
    const t = audio.currentTime;
    for (const [i, freq] of [880, 660].entries()) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = freq;
      gain.gain.value = 0.3;
      osc.connect(gain).connect(audio.destination);
      osc.start(t + i * 0.25);
      osc.stop(t + i * 0.25 + 0.2);
    }
    navigator.vibrate?.([300, 100, 300]);
  }

  return {
    /** Call from a tap: browsers let sound start only after a user gesture. */
    unlock(): void {
      const Ctx =
        window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
      if (!Ctx) return;
      ctx ??= new Ctx();
      void ctx.resume();
    },
    unlocked: () => ctx?.state === 'running',
    /** Sounding or not, as the alarms and the silence say. */
    set(on: boolean): void {
      if (on && !timer) {
        beep();
        timer = setInterval(beep, 1000);
      } else if (!on && timer) {
        clearInterval(timer);
        timer = undefined;
      }
    },
  };
}
