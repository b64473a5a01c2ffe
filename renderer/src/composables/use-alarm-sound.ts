// Alarm tones via WebAudio (no audio files, nothing to fetch). Distinct patterns per level so a nurse
// can tell them apart without looking: level 2 = fast triple beep (repeated by the caller while
// critical alerts are unacknowledged), level 1 = one two-tone chime.
import { readonly, ref } from 'vue';

export interface Tone {
  /** Hz */
  freq: number;
  /** seconds from pattern start */
  at: number;
  /** seconds */
  dur: number;
}

export const ALARM_PATTERNS: Record<1 | 2, readonly Tone[]> = {
  2: [
    { freq: 988, at: 0, dur: 0.12 },
    { freq: 988, at: 0.18, dur: 0.12 },
    { freq: 988, at: 0.36, dur: 0.12 },
  ],
  1: [
    { freq: 660, at: 0, dur: 0.22 },
    { freq: 880, at: 0.28, dur: 0.3 },
  ],
};

export interface AlarmPlayer {
  play(level: 1 | 2): void;
  /** call from a user gesture: browsers keep audio suspended until then */
  unlock(): void;
}

type AudioCtor = new () => AudioContext;

let ctx: AudioContext | null = null;
/** true when the browser still blocks sound until the user clicks somewhere */
const blocked = ref(false);

function audioCtor(): AudioCtor | null {
  if (typeof window === 'undefined') return null;
  const w = window as unknown as { AudioContext?: AudioCtor; webkitAudioContext?: AudioCtor };
  return w.AudioContext ?? w.webkitAudioContext ?? null;
}

function context(): AudioContext | null {
  if (ctx) return ctx;
  const Ctor = audioCtor();
  if (!Ctor) return null;
  try {
    ctx = new Ctor();
    ctx.onstatechange = () => {
      blocked.value = ctx?.state === 'suspended';
    };
    blocked.value = ctx.state === 'suspended';
  } catch {
    ctx = null;
  }
  return ctx;
}

function scheduleTone(c: AudioContext, tone: Tone, start: number): void {
  const osc = c.createOscillator();
  const gain = c.createGain();
  osc.type = 'square';
  osc.frequency.value = tone.freq;
  const t0 = start + tone.at;
  // Short ramps avoid clicks; the level stays moderate (a ward at night).
  gain.gain.setValueAtTime(0, t0);
  gain.gain.linearRampToValueAtTime(0.18, t0 + 0.01);
  gain.gain.setValueAtTime(0.18, t0 + tone.dur - 0.02);
  gain.gain.linearRampToValueAtTime(0, t0 + tone.dur);
  osc.connect(gain).connect(c.destination);
  osc.start(t0);
  osc.stop(t0 + tone.dur + 0.02);
}

const webAudioPlayer: AlarmPlayer = {
  play(level) {
    const c = context();
    if (!c) return;
    if (c.state === 'suspended') {
      void c.resume().catch(() => undefined);
      if (c.state === 'suspended') {
        blocked.value = true;
        return;
      }
    }
    const start = c.currentTime + 0.02;
    for (const tone of ALARM_PATTERNS[level]) scheduleTone(c, tone, start);
  },
  unlock() {
    const c = context();
    if (c && c.state === 'suspended') {
      void c
        .resume()
        .then(() => {
          blocked.value = c.state === 'suspended';
        })
        .catch(() => undefined);
    }
  },
};

let player: AlarmPlayer = webAudioPlayer;

/** Tests swap the player for a recorder. */
export function setAlarmPlayer(p: AlarmPlayer | null): void {
  player = p ?? webAudioPlayer;
}

export function useAlarmSound() {
  return {
    play: (level: 1 | 2) => player.play(level),
    unlock: () => player.unlock(),
    blocked: readonly(blocked),
  };
}
