#!/usr/bin/env node
// Adds up the Vitest and Playwright JSON reports of this `npm test` run into one closing line.
import { readFileSync } from 'node:fs';

const unit = JSON.parse(readFileSync('.test-reports/unit.json', 'utf8'));
const e2e = JSON.parse(readFileSync('.test-reports/e2e.json', 'utf8'));
const passed = unit.numPassedTests + e2e.stats.expected + e2e.stats.flaky;
const failed = unit.numFailedTests + e2e.stats.unexpected;
const skipped = unit.numPendingTests + unit.numTodoTests + e2e.stats.skipped;
console.log(`unit: ${unit.numPassedTests} passed, e2e: ${e2e.stats.expected} passed`);
console.log(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
