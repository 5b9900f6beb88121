// Measures what a first visit downloads (gzip) from the Vite manifest: the entry chunk with its
// static imports and CSS, plus the route chunk and the lazily loaded chart each page needs.
// Fails when the home page exceeds the 300 KB gzip budget.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const manifest = JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8'));
const BUDGET_KB = 300;

function closure(keys) {
  const files = new Set();
  const seen = new Set();
  const visit = (key) => {
    if (seen.has(key)) return;
    seen.add(key);
    const chunk = manifest[key];
    if (!chunk) throw new Error(`not in manifest: ${key}`);
    files.add(chunk.file);
    for (const css of chunk.css ?? []) files.add(css);
    for (const imp of chunk.imports ?? []) visit(imp);
  };
  keys.forEach(visit);
  return files;
}

const gz = (file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
const entryKey = Object.keys(manifest).find((k) => manifest[k].isEntry);
const pages = {
  '/ (홈)': ['src/app/routes/home.tsx', 'src/components/charts/area-chart.tsx'],
  '/companies/:id': ['src/app/routes/company.tsx', 'src/components/charts/candle-chart.tsx'],
  '/comparisons/:id': ['src/app/routes/comparison.tsx', 'src/components/charts/line-overlay-chart.tsx'],
  '/login': ['src/app/routes/login.tsx'],
};

const html = gzipSync(readFileSync(join(dist, 'index.html'))).length;
const shell = closure([entryKey]);
const shellBytes = [...shell].reduce((s, f) => s + gz(f), 0) + html;
console.log(`shell (index.html + entry + css): ${(shellBytes / 1024).toFixed(1)} KB gzip`);
let failed = false;
for (const [page, keys] of Object.entries(pages)) {
  const files = new Set([...shell, ...closure(keys)]);
  const bytes = [...files].reduce((s, f) => s + gz(f), 0) + html;
  const kb = bytes / 1024;
  console.log(`${page.padEnd(18)} ${kb.toFixed(1).padStart(7)} KB gzip  (${files.size} files)`);
  if (page.startsWith('/ ') && kb > BUDGET_KB) failed = true;
}
if (failed) {
  console.error(`first page exceeds the ${BUDGET_KB} KB gzip budget`);
  process.exit(1);
}
