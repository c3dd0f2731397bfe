// An explicit "enable sound" switch (browsers block audio until a user gesture) and a beep.
const KEY = "gatewatch.sound";
let ctx = null;

// Tell whether sound is switched on and unlocked.
export function soundOn() {
  return ctx !== null && ctx.state === "running";
}

// Unlock audio after a click; remember the choice.
export async function enableSound() {
  ctx = ctx || new AudioContext();
  await ctx.resume();
  localStorage.setItem(KEY, "on");
  beep(660, 0.12);
}

// Switch sound off.
export function disableSound() {
  localStorage.setItem(KEY, "off");
  if (ctx) ctx.suspend();
}

// Tell whether the user switched sound on last time (it still needs a click to unlock).
export function soundWanted() {
  return localStorage.getItem(KEY) === "on";
}

// Play a short tone (no audio file needed).
export function beep(freq = 880, seconds = 0.25, repeat = 1) {
  if (!soundOn()) return;
  for (let i = 0; i < repeat; i++) {
    const start = ctx.currentTime + i * (seconds + 0.12);
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.frequency.value = freq;
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.3, start + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + seconds);
    osc.connect(gain).connect(ctx.destination);
    osc.start(start);
    osc.stop(start + seconds + 0.05);
  }
}
