// The shape of src/ that CONTRIBUTING.md describes, kept true: small modules, folders by concept,
// no import cycle (type imports count: a cycle of types is still a tangle for the reader), and
// internal/ as leaves that every folder may use.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../../src');

function modules(dir = SRC): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return modules(path);
    return /\.tsx?$/.test(name) ? [relative(SRC, path)] : [];
  });
}

/** The src modules `file` imports (static, dynamic, type-only, re-exports). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(SRC, file), 'utf8');
  const found = [...text.matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+)'/g)];
  return found.map((match) => {
    const target = relative(SRC, resolve(dirname(join(SRC, file)), match[1] ?? ''));
    return target.replace(/\.js$/, '.ts');
  });
}

/** Every import cycle, each as the list of modules on it. */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): void => {
    state.set(node, 'open');
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      const seen = state.get(next);
      if (seen === 'open') found.push(path.slice(path.indexOf(next)));
      else if (seen === undefined && graph.has(next)) visit(next);
    }
    path.pop();
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return found;
}

const all = modules();
const graph = new Map(
  all.map((file) => [file, importsOf(file).map((t) => (all.includes(t) ? t : `${t}x`))]),
);

describe('the layout of src/', () => {
  it('has no module over 300 lines', () => {
    const long = all.filter(
      (file) => readFileSync(join(SRC, file), 'utf8').split('\n').length > 300,
    );
    expect(long).toEqual([]);
  });

  it('has no import cycle', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('resolves every relative import to a module', () => {
    const broken = [...graph].flatMap(([file, targets]) =>
      targets.filter((t) => !all.includes(t)).map((t) => `${file} -> ${t}`),
    );
    expect(broken).toEqual([]);
  });

  it('keeps internal/ as leaves: they import nothing outside internal/', () => {
    const reaching = all
      .filter((file) => file.startsWith('internal/'))
      .flatMap((file) => (graph.get(file) ?? []).filter((t) => !t.startsWith('internal/')));
    expect(reaching).toEqual([]);
  });

  it('keeps only entry points and the client facade at the root', () => {
    expect(all.filter((file) => !file.includes('/')).sort()).toEqual([
      'adapter-binding.ts',
      'client.ts',
      'iife.ts',
      'index.ts',
      'internals.ts',
      'twitch-auth.ts',
    ]);
  });
});
