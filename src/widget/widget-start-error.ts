/**
 * Why a widget could not get its engine: the engine itself did not start (assets, worker)
 * or the catalog did not load. The message is written for the shop's visitors; the
 * original error stays in `cause` for the shop's developers.
 */
export class WidgetStartError extends Error {
  override readonly name = 'WidgetStartError';

  constructor(
    readonly stage: 'engine' | 'catalog',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** The catalog's manifest could not be loaded: say which URL and, when there is one, the HTTP status. */
  static catalog(catalogUrl: string, error: unknown): WidgetStartError {
    const detail = error instanceof Error ? error.message : String(error);
    const status = /answered (\d{3})/.exec(detail)?.[1];
    return new WidgetStartError('catalog', `the catalog at ${catalogUrl} could not be loaded (${status ?? detail})`, { cause: error });
  }

  static engine(error: unknown): WidgetStartError {
    const detail = error instanceof Error ? error.message : String(error);
    return new WidgetStartError('engine', `the recommender could not start (${detail})`, { cause: error });
  }
}
