import { describe, expect, it } from 'vitest';
import { formatSeconds, tooLongMessage } from '../../src/demo/example-refusal.ts';

describe('tooLongMessage', () => {
  it('says how long the recording or file is, the limit, and what to do', () => {
    expect(tooLongMessage(34.2, 30, { recording: true })).toBe('That recording is 34 s long; an example can be at most 30 s. Record a shorter one.');
    expect(tooLongMessage(40, 30, { fileName: 'bee.wav' })).toBe('“bee.wav” is 40 s long; an example can be at most 30 s. Choose a shorter sound.');
  });

  it('never shows a refused length that looks within the limit', () => {
    expect(formatSeconds(30.4, 30)).toBe('30.4 s');
    expect(formatSeconds(30.04, 30)).toBe('30.1 s');
    expect(formatSeconds(30.6, 30)).toBe('31 s');
    expect(formatSeconds(2.35, 2)).toBe('2.4 s');
    expect(formatSeconds(2.3, 2)).toBe('2.3 s');
  });
});

describe('videoFileProblem', () => {
  it('refuses what is not a video, an empty file and one over the size limit; leaves the rest to the engine', async () => {
    const { videoFileProblem } = await import('../../src/demo/video-file-problem.ts');
    expect(videoFileProblem({ type: 'video/mp4', size: 728_751 }, 'cockatoo.mp4')).toBeUndefined();
    expect(videoFileProblem({ type: '', size: 10 }, 'clip')).toBeUndefined();
    expect(videoFileProblem({ type: 'image/png', size: 10 }, 'frog.png')).toBe(
      '“frog.png” is not a video (it is image/png). Choose a video file (MP4 or WebM, at most 60 s).',
    );
    expect(videoFileProblem({ type: 'video/webm', size: 0 }, 'x.webm')).toBe('“x.webm” is empty. Choose a video file (MP4 or WebM, at most 60 s).');
    expect(videoFileProblem({ type: 'video/webm', size: 300 * 1048576 }, 'big.webm')).toMatch(/^“big\.webm” is 300 MB; a video example can be at most 200 MB/);
  });
});
