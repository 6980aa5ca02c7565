/**
 * The engine's version as far as measured choices go: the package version plus a revision of
 * the ranking kernels and probes. A remembered backend choice of another version is measured again.
 */
import { version } from '../../package.json';

export const KERNEL_REVISION = 1;
export const ENGINE_VERSION = `${version}+kernels.${KERNEL_REVISION}`;
