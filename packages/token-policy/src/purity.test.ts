/**
 * DESIGN §1: the core has no I/O, no Node built-ins, no clock and no randomness of its own. ESLint
 * enforces this too (eslint.config.js); this test enforces it a second time, independent of the lint
 * configuration, by reading every non-test source file.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const FORBIDDEN: ReadonlyArray<[string, RegExp]> = [
  ['a node:* import', /\bfrom\s*['"]node:|\bimport\s*\(\s*['"]node:|\bimport\s*['"]node:/],
  [
    'a Node built-in import',
    /\bfrom\s*['"](fs|path|os|crypto|http|https|net|child_process|worker_threads)(\/[^'"]*)?['"]/,
  ],
  ['require()', /\brequire\s*\(/],
  ['Date.now()', /\bDate\s*\.\s*now\b/],
  ['new Date() without an argument', /\bnew\s+Date\s*(\(\s*\)|(?!\s*\())/],
  ['Math.random', /\bMath\s*\.\s*random\b/],
  ['the crypto global', /(?<![.\w$'"])crypto\s*\.|\bglobalThis\s*\.\s*crypto\b/],
  ['performance.now', /\bperformance\s*\.\s*now\b/],
  ['process', /(?<![.\w$])process\s*\./],
  ['a timer', /(?<![.\w$])(setTimeout|setInterval|setImmediate)\s*\(/],
  ['fetch', /(?<![.\w$])fetch\s*\(/],
];

/** Removes comments, so that documentation may mention what code must not do. */
export function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/(^|[^:\\'"`])\/\/.*$/gm, '$1');
}

/** Names of the forbidden patterns found in `source` (comments ignored). */
export function findImpurities(source: string): string[] {
  const code = stripComments(source);
  return FORBIDDEN.filter(([, pattern]) => pattern.test(code)).map(([name]) => name);
}

const here = dirname(fileURLToPath(import.meta.url));
const sources = readdirSync(here, { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
  .sort();

describe('the detector', () => {
  test.each<[string, string]>([
    ["import { randomBytes } from 'node:crypto';", 'a node:* import'],
    ['import fs from "node:fs";', 'a node:* import'],
    ["const os = await import('node:os');", 'a node:* import'],
    ["import { createHash } from 'crypto';", 'a Node built-in import'],
    ["import { readFile } from 'fs/promises';", 'a Node built-in import'],
    ["const fs = require('fs');", 'require()'],
    ['const t = Date.now();', 'Date.now()'],
    ['const t = Date . now();', 'Date.now()'],
    ['const d = new Date();', 'new Date() without an argument'],
    ['const d = new Date( );', 'new Date() without an argument'],
    ['const d = new Date;', 'new Date() without an argument'],
    ['const r = Math.random();', 'Math.random'],
    ['crypto.getRandomValues(buffer);', 'the crypto global'],
    ['globalThis.crypto.randomUUID();', 'the crypto global'],
    ['const t = performance.now();', 'performance.now'],
    ['const env = process.env.TZ;', 'process'],
    ['setTimeout(run, 10);', 'a timer'],
    ['await fetch(url);', 'fetch'],
  ])('flags %s', (sample, name) => {
    expect(findImpurities(sample)).toContain(name);
  });

  test.each([
    'const d = new Date(ms);',
    'const d = new Date(now.getTime() + 1000);',
    '// Date.now() in a line comment',
    '/** Never call Math.random or new Date() here. */',
    "/**\n * import { randomBytes } from 'node:crypto';\n */",
    'const url = "https://example.com"; // a URL is not a comment start',
    'input.now.getTime()',
    'const subprocess = 1; mycrypto.x();',
    'randomBytes(n)',
  ])('does not flag %j', (sample) => {
    expect(findImpurities(sample)).toEqual([]);
  });

  test('comments are stripped but code after a URL string stays', () => {
    expect(findImpurities('const url = "http://x"; Date.now();')).toEqual(['Date.now()']);
  });
});

describe('the core', () => {
  test('has sources to check', () => {
    expect(sources).toEqual(expect.arrayContaining(['index.ts', 'auth-decision.ts', 'token-format.ts']));
  });

  test.each(sources)('%s is pure', (file) => {
    expect(findImpurities(readFileSync(join(here, file), 'utf8'))).toEqual([]);
  });
});
