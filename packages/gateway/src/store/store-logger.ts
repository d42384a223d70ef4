/**
 * The slice of a pino logger the storage layer uses. A pino `Logger` satisfies it; tests can pass a
 * recording object. Nothing logged through it contains a token, secret or hash.
 */
export interface StoreLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}
