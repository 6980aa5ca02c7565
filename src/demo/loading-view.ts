import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { styleMap } from 'lit/directives/style-map.js';
import type { BackendReport, CatalogSummary } from '../protocol/engine-api.ts';
import { PROGRESS_STAGES, type ProgressStage } from '../protocol/progress.ts';
import { formatBytes } from './format-bytes.ts';
import { STAGE_NAMES, type ProgressLog, type ProgressStep } from './progress-log.ts';
import { sharedStyles, statusCardStyles } from './shared-styles.ts';

/**
 * Start-up as it happens: an accessible progress bar fed by the engine's real progress
 * updates (backends measured, asset manifest, catalog manifest and vector files with their
 * bytes, shared space), the steps listed, and the backend chosen. Once the shop is ready it
 * folds into one status line whose details still list every step (and model downloads that
 * come later, when search warms up).
 */
@customElement('loading-view')
export class LoadingView extends LitElement {
  @property({ attribute: false }) log: ProgressLog | undefined;
  /** Bumped by the owner on every update, since the log itself is mutated in place. */
  @property({ type: Number }) revision = 0;
  @property({ attribute: false }) report: BackendReport | undefined;
  @property({ attribute: false }) summary: CatalogSummary | undefined;
  /** False for `?catalog=none`: then start-up ends with the engine. */
  @property({ type: Boolean, attribute: 'with-catalog' }) withCatalog = true;
  @property({ type: Boolean }) ready = false;
  @property({ type: String }) error = '';

  static override styles = [
    sharedStyles,
    statusCardStyles,
    css`
      .bar.indeterminate .fill {
        width: 30%;
        animation: slide 1.4s ease-in-out infinite;
      }
      @keyframes slide {
        from {
          transform: translateX(-100%);
        }
        to {
          transform: translateX(340%);
        }
      }
      @media (prefers-reduced-motion: reduce) {
        .bar.indeterminate .fill {
          animation: none;
          width: 100%;
          opacity: 0.35;
        }
      }
      .now {
        margin: 0.5rem 0 0.75rem;
        font-size: 0.9rem;
        display: flex;
        justify-content: space-between;
        gap: 1rem;
      }
      ol.stages {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 0.5rem;
        font-size: 0.875rem;
      }
      .stage-name {
        font-weight: 700;
      }
      ul.steps {
        list-style: none;
        margin: 0.15rem 0 0;
        padding: 0 0 0 1rem;
      }
      .step {
        display: flex;
        flex-wrap: wrap;
        gap: 0 0.75rem;
        justify-content: space-between;
        border-bottom: 1px solid var(--line);
        padding: 0.15rem 0;
      }
      .step .state {
        color: var(--ink-muted);
        font-variant-numeric: tabular-nums;
      }
      .tag {
        font-size: 0.75rem;
        font-weight: 600;
        color: var(--ok-ink);
        background: var(--ok-soft);
        border-radius: 999px;
        padding: 0 0.5em;
        margin-left: 0.35em;
      }
      .error {
        margin: 0.75rem 0 0;
        padding: 0.6rem 0.8rem;
        background: var(--error-soft);
        border-left: 4px solid var(--error);
        border-radius: 6px;
      }
      details.status {
        font-size: 0.875rem;
        background: var(--surface);
        border: 1px solid var(--line);
        border-radius: 12px;
        padding: 0.5rem 0.9rem;
      }
      details.status summary {
        cursor: pointer;
      }
      details.status[open] summary {
        margin-bottom: 0.5rem;
      }
      .dot {
        display: inline-block;
        width: 0.6rem;
        height: 0.6rem;
        border-radius: 50%;
        background: var(--ok);
        margin-right: 0.4rem;
      }
    `,
  ];

  override render() {
    if (this.ready && !this.error) return this.renderReady();
    const log = this.log;
    const started = (log?.steps.length ?? 0) > 0;
    const percent = log && started ? Math.round(log.fraction(this.withCatalog, this.report !== undefined) * 100) : undefined;
    const current = this.currentStep();
    return html`<section class="card" aria-labelledby="loading-heading" data-testid="loading-view">
      <h2 id="loading-heading">${this.error ? 'The shop could not start' : 'Getting the shop ready'}</h2>
      <p class="lead">
        The recommender starts in this tab: it times the real ranking on each backend this browser offers (WebGPU, WebGL, WASM, CPU) to pick the fastest, then
        loads the catalog’s vectors. The search models load later, when you search. Nothing about you is sent anywhere.
      </p>
      ${
        this.error
          ? html`<p class="error">${this.error} The technical details are under “Engine details” below.</p>`
          : html`
              <div
                class="bar ${percent === undefined ? 'indeterminate' : ''}"
                role="progressbar"
                aria-labelledby="loading-heading"
                aria-valuemin="0"
                aria-valuemax="100"
                aria-valuenow=${percent ?? nothing}
                aria-valuetext=${percent === undefined ? current : `${percent} %: ${current}`}
                data-testid="loading-progress"
              >
                <span class="fill" style=${styleMap(percent === undefined ? {} : { width: `${percent}%` })}></span>
              </div>
              <p class="now"><span aria-live="polite">${current}</span><span>${percent === undefined ? '' : `${percent} %`}</span></p>
            `
      }
      ${this.renderStages()}
    </section>`;
  }

  private renderReady() {
    const s = this.summary;
    const backend = this.report?.backend;
    const models = this.log?.bytes(['model']);
    const modelSteps = this.log?.stageSteps('model') ?? [];
    const modelsLoading = modelSteps.some((m) => !m.done);
    return html`<details class="status" data-testid="loading-status">
      <summary>
        <span class="dot" aria-hidden="true"></span>Ready: running on <strong data-testid="loading-backend">${backend ?? '…'}</strong>${
          s
            ? html` · ${s.itemCount} items, ${formatBytes(s.bytes)} of vectors ${s.fromCache ? 'from this browser’s cache' : 'downloaded'} in
              ${(s.loadMs / 1000).toFixed(1)} s`
            : nothing
        }${
          modelSteps.length && models
            ? html` · search models
              ${modelsLoading ? `loading: ${formatBytes(models.loaded)}${models.total > models.loaded ? ` of ${formatBytes(models.total)}` : ''}` : `ready (${formatBytes(models.loaded)})`}`
            : nothing
        }
      </summary>
      ${this.renderStages()}
    </details>`;
  }

  private renderStages() {
    const log = this.log;
    if (!log || log.steps.length === 0) return nothing;
    const stages = PROGRESS_STAGES.filter((stage) => log.stageSteps(stage).length > 0);
    return html`<ol class="stages" aria-label="Loading steps" data-testid="loading-steps">
      ${stages.map((stage) => this.renderStage(stage, log.stageSteps(stage)))}
    </ol>`;
  }

  private renderStage(stage: ProgressStage, steps: ProgressStep[]) {
    const chosen = stage === 'backends' && this.report ? html` (chose <strong>${this.report.backend}</strong>, ${this.report.mode})` : nothing;
    return html`<li data-stage=${stage}>
      <span class="stage-name">${STAGE_NAMES[stage]}</span>${chosen}
      <ul class="steps">
        ${steps.map(
          (step) =>
            html`<li
              class="step"
              data-stage=${step.stage}
              data-label=${step.label}
              data-loaded=${step.loadedBytes}
              data-total=${step.totalBytes ?? ''}
              data-done=${step.done ? 'yes' : 'no'}
            >
              <span>${step.label}${step.fromCache ? html`<span class="tag">from cache</span>` : nothing}</span>
              <span class="state">${describeStep(step)}</span>
            </li>`,
        )}
      </ul>
    </li>`;
  }

  /** The step in progress, as one sentence (the latest step that is not done, else the last one). */
  private currentStep(): string {
    const steps = this.log?.steps ?? [];
    if (steps.length === 0) return this.report ? `Engine running on ${this.report.backend}` : 'Starting the recommender’s worker…';
    const step = [...steps].reverse().find((s) => !s.done);
    // Backends report once measured, so between two reports the engine is measuring the next one.
    if (!step && !this.report) {
      const measured = steps.filter((s) => s.stage === 'backends').length;
      return `${STAGE_NAMES.backends}: timing the ranking on each to pick the fastest, ${measured} measured so far…`;
    }
    if (!step) return `${STAGE_NAMES[steps.at(-1)!.stage]}: ${steps.at(-1)!.label}, done`;
    return `${STAGE_NAMES[step.stage]}: ${step.label}${step.totalBytes || step.loadedBytes ? `, ${describeStep(step)}` : ''}`;
  }
}

/** "1.2 MB of 1.2 MB, done", "measuring…" */
function describeStep(step: ProgressStep): string {
  const state = step.done ? 'done' : step.stage === 'backends' ? 'measuring…' : 'loading…';
  if (step.totalBytes === undefined && step.loadedBytes === 0) return state;
  const bytes = step.totalBytes !== undefined ? `${formatBytes(step.loadedBytes)} of ${formatBytes(step.totalBytes)}` : formatBytes(step.loadedBytes);
  return `${bytes}, ${state}`;
}

declare global {
  interface HTMLElementTagNameMap {
    'loading-view': LoadingView;
  }
}
