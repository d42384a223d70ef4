import { describe, expect, test } from 'vitest';
import * as api from './index.js';

describe('the public entry', () => {
  test('exports exactly the curated runtime API', () => {
    expect(Object.keys(api).sort()).toEqual(
      [
        'MAX_AUTHORIZATION_LENGTH',
        'MAX_IP_ALLOW_LIST_ENTRIES',
        'TOKEN_LENGTH',
        'TOKEN_PREFIX',
        'TokenPolicyError',
        'VALIDITIES',
        'allTokensDeleted',
        'canonicalIp',
        'classifyAuthorization',
        'decideAuthentication',
        'defaultSettings',
        'diffSettings',
        'effectiveExpiry',
        'emptyFailedLoginState',
        'expiresAt',
        'failedLoginsReset',
        'failureKeys',
        'generateToken',
        'isExpired',
        'isValidity',
        'lockoutStatus',
        'mayAdminister',
        'mayCreateToken',
        'mayDeleteToken',
        'mayUseToken',
        'normaliseUsername',
        'parseClientAddress',
        'parseIpAllowList',
        'parseIpRule',
        'parseSettings',
        'parseToken',
        'recordFailure',
        'recordSuccess',
        'resolveValidity',
        'sameUsername',
        'settingsChanged',
        'settingsSchema',
        'tokenCreated',
        'tokenDeleted',
        'validityChoices',
      ].sort(),
    );
  });
});
