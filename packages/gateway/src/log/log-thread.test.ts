import { mkdtempSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { createLogBatch, formatLogEntries, type LogEntries } from './log-entries.js';
import { createThreadedLogDestination, type ThreadedLogDestination } from './log-thread.js';
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

describe('log batch', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  test('hands itself over when full, and keeps the order of access entries and lines', () => {
    const delivered: LogEntries[] = [];
    const batch = createLogBatch({ deliver: (entries) => delivered.push(entries), maxEntries: 3 });
    batch.access(',"service":"s"', FIELDS);
    batch.raw('{"level":40,"msg":"between"}\n');
    expect(delivered).toEqual([]);
    batch.access(',"service":"s"', { ...FIELDS, user: null, clientIp: null, path: '/second' });
    expect(delivered).toHaveLength(1);
    const lines = formatLogEntries(delivered[0] as LogEntries)
      .split('\n')
      .slice(0, -1)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => line.msg)).toEqual(['request', 'between', 'request']);
    expect(lines[2]).toMatchObject({ path: '/second', user: null, clientIp: null, service: 's' });
    // Repeated texts are stored once per batch.
    expect((delivered[0] as LogEntries).strings.filter((text) => text === 'GET')).toHaveLength(1);
    expect(batch.take()).toBeNull();
  });

  test('hands itself over at the latest flushMs after its first entry', () => {
    vi.useFakeTimers();
    const delivered: LogEntries[] = [];
    const batch = createLogBatch({ deliver: (entries) => delivered.push(entries), flushMs: 100 });
    batch.access('', FIELDS);
    vi.advanceTimersByTime(99);
    expect(delivered).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(delivered).toHaveLength(1);
    vi.advanceTimersByTime(1_000);
    expect(delivered).toHaveLength(1);
  });
});

describe('threaded log destination', () => {
  let dir: string;
  let fd: number;
  let destination: ThreadedLogDestination | undefined;

  function open(): string {
    dir = mkdtempSync(join(tmpdir(), 'ata-log-thread-'));
    const file = join(dir, 'gateway.log');
    fd = openSync(file, 'a');
    return file;
  }

  afterEach(async () => {
    await destination?.end();
    destination = undefined;
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  });

  test('pino lines and access lines arrive in order, as pino writes them, once flushSync returns', () => {
    const file = open();
    destination = createThreadedLogDestination({ fd });
    const logger = createLogger({ destination, base: { product: 'jira' } });
    const access = createAccessLog(logger);
    access(FIELDS);
    logger.warn({ authorization: 'Bearer secret' }, 'in between');
    for (let i = 0; i < 600; i++) access({ ...FIELDS, path: `/rest/api/2/issue/X-${i}` });
    logger.error('last');
    destination.flushSync();
    const lines = jsonLines(file);
    expect(lines).toHaveLength(603);
    expect(lines[0]).toMatchObject({ level: 30, service: 'api-token-auth', product: 'jira', msg: 'request' });
    expect(lines[1]).toMatchObject({ level: 40, msg: 'in between', authorization: '[redacted]' });
    expect(lines.slice(2, 602).map((line) => line.path)).toEqual(
      Array.from({ length: 600 }, (_, i) => `/rest/api/2/issue/X-${i}`),
    );
    expect(lines[602]).toMatchObject({ level: 50, msg: 'last' });
  });

  test('without a thread: the same batches, written by this thread, in order, no worker', () => {
    const file = open();
    destination = createThreadedLogDestination({ fd, thread: false });
    expect(destination.logThread).toBeNull();
    const logger = createLogger({ destination });
    const access = createAccessLog(logger);
    access(FIELDS);
    logger.warn('in between');
    for (let i = 0; i < 300; i++) access({ ...FIELDS, path: `/p/${i}` });
    // Full batches of 32 entries are written at once (the warning went with the first); the rest waits for the flush.
    expect(readFileSync(file, 'utf8').split('\n').slice(0, -1)).toHaveLength(288);
    destination.flushSync();
    const lines = jsonLines(file);
    expect(lines).toHaveLength(302);
    expect(lines[1]).toMatchObject({ level: 40, msg: 'in between' });
    expect(lines[301]).toMatchObject({ path: '/p/299' });
  });

  test('an access line is byte for byte the line pino writes for the same fields', () => {
    const file = open();
    destination = createThreadedLogDestination({ fd });
    const logger = createLogger({ destination, base: { product: 'confluence' } });
    createAccessLog(logger)({ ...FIELDS, user: 'Ängström "quoted"', path: '/p\\ath' });
    flushAccessLines(logger);
    const [line] = readFileSync(file, 'utf8').split('\n');
    const parsed = JSON.parse(line as string) as { time: string };
    const pinoLine = JSON.stringify({
      level: 30,
      time: parsed.time,
      service: 'api-token-auth',
      product: 'confluence',
      ...FIELDS,
      ms: 1.23,
      user: 'Ängström "quoted"',
      path: '/p\\ath',
      msg: 'request',
    });
    expect(line).toBe(pinoLine);
  });

  test('when the log thread is gone, this thread writes what follows, after a notice', async () => {
    const file = open();
    destination = createThreadedLogDestination({ fd });
    const logger = createLogger({ destination });
    logger.info('before');
    destination.flushSync();
    const thread = destination.logThread;
    expect(thread).not.toBeNull();
    const exited = new Promise((resolve) => thread?.once('exit', resolve));
    await thread?.terminate(); // as a crash of the thread would
    await exited;
    await vi.waitFor(() => expect(destination?.logThread).toBeNull());
    logger.info('after');
    createAccessLog(logger)(FIELDS);
    destination.flushSync();
    const messages = jsonLines(file).map((line) => line.msg);
    expect(messages).toEqual([
      'before',
      expect.stringContaining('the log thread stopped'),
      'after',
      'request',
    ]);
  });
});
