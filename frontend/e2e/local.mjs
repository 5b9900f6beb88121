// Runs the browser suite against a local stand-in when the real platform is not running:
//   node e2e/local.mjs mock   full user flow against e2e/mock-platform.mjs (contract-faithful fake api)
//   node e2e/local.mjs smoke  the built SPA with the api down: shell renders, errors are readable
// Needs a build (npm run build). Screenshots go to E2E_OUTPUT_DIR (default e2e-output/<mode>).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const mode = process.argv[2] === 'smoke' ? 'smoke' : 'mock';
if (!existsSync(join(here, '..', 'dist', 'index.html'))) {
  console.error('dist/ is missing: run npm run build first');
  process.exit(2);
}

const port = await new Promise((resolve) => {
  const s = createServer();
  s.listen(0, '127.0.0.1', () => {
    const p = s.address().port;
    s.close(() => resolve(p));
  });
});

const server = spawn(process.execPath, [join(here, 'mock-platform.mjs'), String(port), ...(mode === 'smoke' ? ['--no-api'] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error('mock platform did not start in 60 s')), 60_000);
  server.stdout.on('data', (d) => {
    process.stdout.write(d);
    if (String(d).includes('mock platform on')) {
      clearTimeout(timer);
      resolve();
    }
  });
  server.on('exit', (code) => reject(new Error(`mock platform exited with ${code}`)));
});

const env = {
  ...process.env,
  E2E_BASE_URL: `http://127.0.0.1:${port}`,
  E2E_MODE: mode === 'smoke' ? 'smoke' : 'full',
  E2E_OUTPUT_DIR: process.env.E2E_OUTPUT_DIR ?? join(here, '..', 'e2e-output', mode),
};
const run = spawn(process.execPath, [join(here, 'run.mjs')], { stdio: 'inherit', env });
const code = await new Promise((resolve) => run.on('exit', (c) => resolve(c ?? 1)));
server.kill('SIGTERM');
process.exit(code);
