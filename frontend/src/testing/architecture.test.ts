// Layering rule from bulletproof-react, checked as a test (ESLint does not check it):
// features never import each other; shared code (components, lib, hooks) never imports features or app.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const src = join(__dirname, '..');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return files(p);
    return /\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name) ? [p] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'(@\/[^']+)'/g)].map((m) => m[1]);
}

describe('module boundaries', () => {
  const all = files(src).map((f) => ({ path: relative(src, f), deps: imports(f) }));

  it('features do not import other features', () => {
    const bad = all.flatMap(({ path, deps }) => {
      const m = path.match(/^features\/([^/]+)\//);
      if (!m) return [];
      return deps.filter((d) => d.startsWith('@/features/') && !d.startsWith(`@/features/${m[1]}/`)).map((d) => `${path} → ${d}`);
    });
    expect(bad).toEqual([]);
  });

  it('shared code does not import features or the app', () => {
    const bad = all.flatMap(({ path, deps }) =>
      /^(components|lib|hooks|config|types)\//.test(path)
        ? deps.filter((d) => d.startsWith('@/features/') || d.startsWith('@/app/')).map((d) => `${path} → ${d}`)
        : [],
    );
    expect(bad).toEqual([]);
  });
});
