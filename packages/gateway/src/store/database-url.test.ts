import { describe, expect, it } from 'vitest';
import { parseDatabaseUrl, safeParseDatabaseUrl } from './database-url.js';

describe('parseDatabaseUrl', () => {
  it.each([
    ['sqlite:./.data/jira.db', '/srv/ata/.data/jira.db'],
    ['sqlite:.data/jira.db', '/srv/ata/.data/jira.db'],
    ['sqlite:/var/lib/ata/jira.db', '/var/lib/ata/jira.db'],
    ['sqlite:///var/lib/ata/jira.db', '/var/lib/ata/jira.db'],
    ['SQLITE:../shared/wiki.db', '/srv/shared/wiki.db'],
    ['  sqlite:jira.db  ', '/srv/ata/jira.db'],
  ])('%s → %s', (url, expected) => {
    expect(parseDatabaseUrl(url, '/srv/ata')).toEqual({ engine: 'sqlite', path: expected });
  });

  it.each([
    ['', 'no engine prefix'],
    ['./.data/jira.db', 'no engine prefix'],
    ['sqlite:', 'empty path'],
    ['sqlite://', 'empty path'],
    ['sqlite://dbhost/jira.db', 'names a host'],
    ['postgres://ata:s3cret@db:5432/ata', 'Unsupported database engine "postgres"'],
    ['file:jira.db', 'Unsupported database engine "file"'],
    ['sqlite:jira\0.db', 'NUL'],
  ])('rejects %j with STORE_URL_INVALID (%s)', (url, reason) => {
    expect(() => parseDatabaseUrl(url, '/srv/ata')).toThrow(
      expect.objectContaining({
        name: 'StoreError',
        code: 'STORE_URL_INVALID',
        message: expect.stringContaining(reason),
      }),
    );
  });

  it('never repeats credentials of a foreign URL', () => {
    const result = safeParseDatabaseUrl('postgres://ata:s3cret@db:5432/ata');
    expect(result.success).toBe(false);
    expect(result.success ? '' : result.error.message).not.toContain('s3cret');
  });

  it('safeParseDatabaseUrl returns the location as a value', () => {
    expect(safeParseDatabaseUrl('sqlite:/a/b.db')).toEqual({
      success: true,
      data: { engine: 'sqlite', path: '/a/b.db' },
    });
  });
});
