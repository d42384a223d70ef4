import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import { readUiAsset, UI_ASSET_NAMES } from './assets.js';
import { buildUiClient } from './client-build.js';

// Running from source: build the client into dist/ui/ first, as `npx tsup` would.
beforeAll(async () => {
  await buildUiClient();
});

describe('readUiAsset', () => {
  test('serves the bundled client script as JavaScript', () => {
    const asset = readUiAsset('app.js');
    expect(asset?.contentType).toBe('text/javascript; charset=utf-8');
    const source = asset?.body.toString('utf8') ?? '';
    // An IIFE that reads the API base from the page and sends the XSRF header.
    expect(source).toMatch(/^("use strict";)?\(\(\)=>\{[\s\S]*\}\)\(\);\s*$/);
    expect(source).toContain('X-Atlassian-Token');
    expect(source).toContain('same-origin');
    expect(source).not.toMatch(/\bimport\s*\(|\bexport\s/);
  });

  test('serves the stylesheet as CSS without external resources', () => {
    const asset = readUiAsset('app.css');
    expect(asset?.contentType).toBe('text/css; charset=utf-8');
    const css = asset?.body.toString('utf8') ?? '';
    expect(css).toContain('#0052cc');
    expect(css).not.toMatch(/@import|url\(|https?:/);
  });

  test('lists exactly the served names', () => {
    expect([...UI_ASSET_NAMES].sort()).toEqual(['app.css', 'app.js']);
  });

  test.each([
    '',
    'app',
    'APP.JS',
    'app.js.map',
    'index.js',
    '../index.js',
    '../../package.json',
    './app.js',
    'app.js/../app.css',
    '..%2findex.js',
    '%2e%2e/package.json',
    '/etc/passwd',
    'C:\\Windows\\win.ini',
    'app.js\u0000.css',
    '__proto__',
    'constructor',
    'toString',
    'hasOwnProperty',
  ])('unknown name %j → null', (name) => {
    expect(readUiAsset(name)).toBeNull();
  });
});

describe('client sources', () => {
  const clientDir = fileURLToPath(new URL('../ui-client/', import.meta.url));
  const sources = readdirSync(clientDir)
    .filter((file) => file.endsWith('.ts'))
    .map((file) => ({ file, text: readFileSync(clientDir + file, 'utf8') }));

  test.each(sources)('$file never writes markup from strings', ({ text }) => {
    expect(text).not.toMatch(
      /\.innerHTML|\.outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function/,
    );
  });
});
