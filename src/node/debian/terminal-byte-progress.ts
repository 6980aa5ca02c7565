import cliProgress from 'cli-progress';
import type { FetchPhase } from './fetch-debian-package.ts';

const PHASE_LABELS: Record<FetchPhase, string> = { downloading: 'download', unpacking: 'unpack  ' };

/**
 * A progress bar on stderr for a package's download and unpacking (MB, speed, ETA), by
 * cli-progress: redrawn in place on a terminal, a line every few seconds in a log (CI).
 */
export function terminalByteProgress(name: string): {
  update: (phase: FetchPhase, done: number, total: number) => void;
  log: (line: string) => void;
  stop: () => void;
} {
  let bar: cliProgress.SingleBar | undefined;
  let current: FetchPhase | undefined;
  const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
  return {
    update(phase, done, total) {
      if (phase !== current) {
        bar?.stop();
        current = phase;
        bar = new cliProgress.SingleBar(
          {
            stream: process.stderr,
            format: `${name} ${PHASE_LABELS[phase]} [{bar}] {percentage}% | {doneMb} of {totalMb} MB | ETA {eta_formatted}`,
            noTTYOutput: true,
            notTTYSchedule: 5000,
            etaBuffer: 50,
            hideCursor: false,
          },
          cliProgress.Presets.legacy,
        );
        bar.start(total, 0, { doneMb: mb(0), totalMb: mb(total) });
      }
      bar?.update(done, { doneMb: mb(done), totalMb: mb(total) });
    },
    /** A line of its own: the bar ends first (and starts again with the next update), so lines never interleave. */
    log(line) {
      bar?.stop();
      bar = undefined;
      current = undefined;
      process.stderr.write(`${line}\n`);
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
