/**
 * Fetches the served sentiment head (`models/sentiment-head/head.json`, built by
 * `npm run train:sentiment`, see docs/recommender.md) once per engine. A missing or damaged
 * file rejects with a SentimentHeadError and is tried again on the next review.
 */
import { parseSentimentHead, SentimentHeadError, type SentimentHead } from './sentiment-head.ts';

export const SENTIMENT_HEAD_PATH = 'models/sentiment-head/head.json';

export async function loadSentimentHead(assetsBaseUrl: string): Promise<SentimentHead> {
  const url = new URL(SENTIMENT_HEAD_PATH, assetsBaseUrl).href;
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new SentimentHeadError(`the sentiment head ${url} could not be fetched (${(error as Error).message})`);
  }
  if (!response.ok) throw new SentimentHeadError(`the sentiment head ${url} answered ${response.status}; build it with npm run train:sentiment`);
  let json: unknown;
  try {
    json = await response.json();
  } catch {
    throw new SentimentHeadError(`the sentiment head ${url} is not JSON`);
  }
  return parseSentimentHead(json, url);
}
