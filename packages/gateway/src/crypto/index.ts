export { createSecretHasher, defaultHasherWorkers, BCRYPT_MAX_SECRET_BYTES } from './secret-hasher.js';
export type { SecretHasher, SecretHasherOptions } from './secret-hasher.js';
export { createKeyedDigest, constantTimeEqual } from './keyed-digest.js';
export { CryptoError } from './crypto-error.js';
export type { CryptoErrorCode } from './crypto-error.js';
