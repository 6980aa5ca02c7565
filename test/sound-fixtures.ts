/**
 * Sound files made with ffmpeg at test time (unit tests and e2e/adversarial-input.spec.ts):
 * silence at 8 kHz, so hours of sound fit in about a megabyte, and short honest clips to check
 * that the container readers get real lengths right. Nothing is committed.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export type SoundFixtureFormat = 'flac' | 'opus' | 'mp3' | 'vorbis' | 'wav';

const CODEC_ARGS: Record<SoundFixtureFormat, string[]> = {
  flac: ['-c:a', 'flac'],
  // 120 ms frames: the fewest packets Opus allows, so a long file encodes quickly.
  opus: ['-c:a', 'libopus', '-b:a', '6k', '-frame_duration', '120'],
  mp3: ['-c:a', 'libmp3lame', '-b:a', '8k'],
  vorbis: ['-c:a', 'libvorbis', '-q:a', '0'],
  wav: ['-c:a', 'pcm_u8'],
};
const EXTENSION: Record<SoundFixtureFormat, string> = { flac: 'flac', opus: 'opus', mp3: 'mp3', vorbis: 'ogg', wav: 'wav' };

/** `seconds` of sound (`tone`: a 440 Hz sine, else silence) at 8 kHz mono, written to `dir` and returned. */
export function makeSound(dir: string, format: SoundFixtureFormat, seconds: number, tone = false): Uint8Array {
  const path = join(dir, `${tone ? 'tone' : 'silence'}-${seconds}s.${EXTENSION[format]}`);
  const source = tone ? `sine=frequency=440:sample_rate=8000:duration=${seconds}` : `anullsrc=r=8000:cl=mono`;
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', source, '-t', String(seconds), '-ac', '1', ...CODEC_ARGS[format], path]);
  return new Uint8Array(readFileSync(path));
}

/** A WAV (8-bit mono 8 kHz) holding `seconds` of silence whose data chunk claims `claimedBytes`: a lying size header. */
export function wavWithLyingSize(seconds: number, claimedBytes: number): Uint8Array {
  const data = Math.round(seconds * 8000);
  const out = new Uint8Array(44 + data).fill(128, 44);
  const v = new DataView(out.buffer);
  const text = (at: number, s: string) => [...s].forEach((c, i) => (out[at + i] = c.charCodeAt(0)));
  text(0, 'RIFF');
  v.setUint32(4, Math.min(0xffffffff, claimedBytes + 36), true);
  text(8, 'WAVE');
  text(12, 'fmt ');
  v.setUint32(16, 16, true);
  v.setUint16(20, 1, true); // PCM
  v.setUint16(22, 1, true); // mono
  v.setUint32(24, 8000, true); // sample rate
  v.setUint32(28, 8000, true); // byte rate
  v.setUint16(32, 1, true); // block align
  v.setUint16(34, 8, true); // bits
  text(36, 'data');
  v.setUint32(40, claimedBytes, true);
  return out;
}
