// Runs once before the suite: drops the previous run's step screenshots so E2E_OUTPUT_DIR shows this
// run only (the report and test-results folders are replaced by Playwright itself).
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BASE, MODE, OUT } from './env';

export default function globalSetup() {
  mkdirSync(OUT, { recursive: true });
  for (const f of readdirSync(OUT)) if (/^(\d\d-.+|FAIL-.+)\.png$|^results\.json$/.test(f)) rmSync(join(OUT, f));
  console.log(`e2e (${MODE}) against ${BASE}, screenshots in ${OUT}`);
}
