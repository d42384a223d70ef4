/**
 * Issue 7 "Secrets: comparisons of secrets are constant-time", checked in the code itself: no
 * production source compares a secret-named value with `===`/`!==`/`==`/`!=` (the TypeScript
 * compiler's own parser finds every comparison), the shared identity secret and passwords are
 * compared with `timingSafeEqual` over equal-length digests, and token secrets are only ever
 * checked by bcrypt. The scanner is tried on bad code first, so it is known to catch what it should.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, test } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
/** Production code of every package, plus the sandbox (the product side's checks are modelled there). */
const SOURCE_DIRS = [
  'packages/gateway/src',
  'packages/product-port/src',
  'packages/token-policy/src',
  'apps/jira-adapter/src',
  'apps/confluence-adapter/src',
  'tools/sandbox/src',
];

/** Names that hold a secret: the identity secret, passwords, token secrets, tokens and their hashes. */
const SECRET_NAME = /(secret|password|passwd|token|hash)$/i;
const EQUALITY = new Set([
  ts.SyntaxKind.EqualsEqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsEqualsToken,
  ts.SyntaxKind.EqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsToken,
]);

/** Browser code of the web UI: it never holds a secret (`location.hash` is a URL fragment). */
const BROWSER_DIRS = new Set(['ui-client']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return BROWSER_DIRS.has(entry.name) ? [] : sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

function nameOf(node: ts.Expression): string | undefined {
  let inner: ts.Expression = node;
  while (ts.isParenthesizedExpression(inner) || ts.isNonNullExpression(inner) || ts.isAsExpression(inner))
    inner = inner.expression;
  if (ts.isIdentifier(inner)) return inner.text;
  if (ts.isPropertyAccessExpression(inner)) return inner.name.text;
  if (ts.isElementAccessExpression(inner) && ts.isStringLiteral(inner.argumentExpression))
    return inner.argumentExpression.text;
  return undefined;
}

/** Comparing with these says nothing about a secret's content: presence, type or emptiness checks. */
function isHarmlessOperand(node: ts.Expression): boolean {
  return (
    node.kind === ts.SyntaxKind.NullKeyword ||
    (ts.isIdentifier(node) && node.text === 'undefined') ||
    (ts.isStringLiteral(node) && node.text === '') ||
    ts.isNumericLiteral(node) ||
    ts.isTypeOfExpression(node) ||
    node.kind === ts.SyntaxKind.TrueKeyword ||
    node.kind === ts.SyntaxKind.FalseKeyword
  );
}

/** Every `a === b` (and friends) where one side names a secret and the other is not a harmless constant. */
function secretComparisons(fileName: string, text: string): string[] {
  const file = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isBinaryExpression(node) && EQUALITY.has(node.operatorToken.kind)) {
      const sides = [node.left, node.right];
      const named = sides.some((side) => SECRET_NAME.test(nameOf(side) ?? ''));
      if (named && !sides.some(isHarmlessOperand) && !sides.some(ts.isTypeOfExpression)) {
        const { line } = file.getLineAndCharacterOfPosition(node.getStart());
        found.push(`${fileName}:${line + 1}: ${node.getText()}`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

function read(path: string): string {
  return readFileSync(join(ROOT, path), 'utf8');
}

describe('secret comparisons are constant-time', () => {
  test.each([
    ['if (presented === secret) ok();', 1],
    ['return req.headers["x-api-token-auth-secret"] === config.identitySecret;', 1],
    ['if (user.password != given) fail();', 1],
    ['const same = row.secretHash === computedHash;', 1],
    ['if (token !== expectedToken) deny();', 1],
    ['if (typeof secret === "string" && secret !== "" && hash === null) go();', 0],
    ['if (credential.kind === "token" && token.length === 52) go();', 0],
  ])('the scanner on %j finds %i', (code, count) => {
    expect(secretComparisons('sample.ts', code)).toHaveLength(count);
  });

  test('no production source compares a secret with ===, !==, == or !=', () => {
    const files = SOURCE_DIRS.flatMap((dir) => sourceFiles(join(ROOT, dir)));
    expect(files.length).toBeGreaterThan(50);
    const found = files.flatMap((path) =>
      secretComparisons(relative(ROOT, path), readFileSync(path, 'utf8')),
    );
    expect(found).toEqual([]);
  });

  test('the gateway and the product-side check compare secrets with timingSafeEqual over equal-length digests', () => {
    const gateway = read('packages/gateway/src/crypto/keyed-digest.ts');
    expect(gateway).toMatch(
      /export function constantTimeEqual\(a: string, b: string\): boolean \{\s*return timingSafeEqual\(sha256\(a\), sha256\(b\)\);/,
    );
    const sandbox = read('tools/sandbox/src/core/secrets.ts');
    expect(sandbox).toMatch(/timingSafeEqual\(left, right\)/);
    expect(sandbox).toMatch(/createHash\('sha256'\)\.update\(a, 'utf8'\)/);
    // The identity secret (the header authenticator's check) and passwords go through it.
    expect(read('tools/sandbox/src/core/authenticate.ts')).toMatch(
      /secretsEqual\(presentedSecret, trust\.secret\)/,
    );
    expect(read('tools/sandbox/src/core/seraph.ts')).toMatch(/secretsEqual\(password, user\.password\)/);
  });

  test('token secrets are checked by bcrypt only, looked up by a keyed digest, never compared as text', () => {
    const hasher = read('packages/gateway/src/crypto/secret-hasher.ts');
    expect(hasher).toMatch(/bcrypt\.compareSync\(job\.secret, job\.hash\)/);
    expect(hasher).toMatch(/bcrypt\.hashSync\(job\.secret, job\.cost\)/);
    const verifier = read('packages/gateway/src/auth/token-verifier.ts');
    expect(verifier).toMatch(/options\.hasher\.compare\(token\.secret, row\.secretHash\)/);
    // The verified-token cache is keyed by a keyed SHA-256 of id and secret (a random per-process key
    // before the text), so a hit reveals nothing a guess controls.
    expect(verifier).toMatch(/options\.digest\(`\$\{token\.id\}:\$\{token\.secret\}`\)/);
    const digest = read('packages/gateway/src/crypto/keyed-digest.ts');
    expect(digest).toMatch(/hash\('sha256', prefix \+ text, 'base64url'\)/);
    expect(digest).toMatch(/key: Buffer = randomBytes\(32\)/);
  });
});
