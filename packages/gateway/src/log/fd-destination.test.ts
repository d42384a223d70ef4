import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { createFdDestination, writeAllSync } from './fd-destination.js';
import { createAccessLog, createLogger, flushAccessLines } from './logger.js';

/** The lines of a log file, each parsed as JSON. */
function jsonLines(file: string): Array<Record<string, unknown>> {
  return readFileSync(file, 'utf8')
    .split('\n')
    .slice(0, -1)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const FIELDS = {
  method: 'GET',
  path: '/rest/api/2/issue/X-1',
  status: 200,
  outcome: 'forward-as-user',
  ms: 1.234,
  clientIp: '10.0.0.7',
  user: 'alice',
};

describe('file descriptor destination', () => {
  let dir: string;
  let fd: number;

  function open(): string {
    dir = mkdtempSync(join(tmpdir(), 'ata-log-'));
    const file = join(dir, 'gateway.log');
    fd = openSync(file, 'a');
    return file;
  }

  afterEach(() => {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  });

  test('pino lines and access lines arrive in order, redacted, all of them once flushed', () => {
    const file = open();
    const logger = createLogger({ destination: createFdDestination(fd), base: { product: 'jira' } });
    const access = createAccessLog(logger);
    access(FIELDS);
    logger.warn({ authorization: 'Bearer secret' }, 'in between');
    for (let i = 0; i < 600; i++) access({ ...FIELDS, path: `/rest/api/2/issue/X-${i}` });
    // Full batches are on disk already; the rest waits for its timer, or for an exit's flush.
    const before = jsonLines(file).length;
    expect(before).toBeGreaterThan(2);
    expect(before).toBeLessThan(602);
    logger.error('last');
    flushAccessLines(logger);
    const lines = jsonLines(file);
    expect(lines).toHaveLength(603);
    expect(lines[0]).toMatchObject({ level: 30, service: 'api-token-auth', product: 'jira', msg: 'request' });
    expect(lines[1]).toMatchObject({ level: 40, msg: 'in between', authorization: '[redacted]' });
    expect(lines.slice(2, 602).map((line) => line.path)).toEqual(
      Array.from({ length: 600 }, (_, i) => `/rest/api/2/issue/X-${i}`),
    );
    expect(lines[602]).toMatchObject({ level: 50, msg: 'last' });
    expect(readFileSync(file, 'utf8')).not.toContain('Bearer secret');
  });

  test('writes text with characters beyond ASCII, and bytes, byte for byte', () => {
    const file = open();
    const text = `${'Ängström "zoë" 😀\n'.repeat(2_000)}end\n`;
    writeAllSync(fd, text);
    writeAllSync(fd, Buffer.from(text, 'utf8'));
    createFdDestination(fd).writeBytes(new TextEncoder().encode('last\n'));
    expect(readFileSync(file, 'utf8')).toBe(`${text}${text}last\n`);
  });

  test('a destination that fails does not throw into the caller', () => {
    const file = open();
    const destination = createFdDestination(fd);
    expect(destination.write('first\n')).toBe(true);
    closeSync(fd);
    expect(() => destination.write('after close\n')).not.toThrow();
    fd = openSync(file, 'a'); // for afterEach
    expect(readFileSync(file, 'utf8')).toBe('first\n');
  });
});
