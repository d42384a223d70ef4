/**
 * What an adapter tells the conformance suite about its product: where things are, and how the
 * product says "this user", "nobody" and "inactive". The suite supplies the behaviour every adapter
 * shares (status codes, timeouts, errors, the service account, the Seraph verdict).
 */
import type { RequestHandler } from 'msw';
import type { Product, ProductIdentity, ProductUser } from '../product.js';
import type { ProductHttpClientOptions } from '../product-http-client.js';
import type { ProductServer } from './product-server.js';

/** A labelled JSON body, for tables of answers. */
export type LabelledBody = readonly [label: string, body: unknown];

/**
 * An adapter's description of its product for {@link describeProductConformance}. `UserAnswer` is
 * whatever the adapter's `serve` needs to answer a look-up (Jira: one `UserBean`; Confluence: a
 * `Person` and its groups).
 */
export interface ProductConformanceFixture<UserAnswer> {
  /** The product's name, for the suite's title, e.g. `'Jira'`. */
  name: string;
  /** The base URL the adapter is created with (context path and trailing slash allowed). */
  baseUrl: string;
  /** Creates the adapter under test. */
  createProduct(options: ProductHttpClientOptions): Product;
  /** The port's constant members as the adapter must report them. */
  constants: Pick<Product, 'displayName' | 'defaultAdminGroups' | 'restSessionLoginPath' | 'loginPagePath'>;
  /** The product's JSON error body for an HTTP status, e.g. Jira's `{errorMessages, errors}`. */
  errorBody(status: number, message: string): unknown;
  whoIs: {
    /** Context-relative path of the "current user" resource, e.g. `/rest/api/2/myself`. */
    path: string;
    /** A 200 answer for a known user, and the identity it means. */
    known: { body: unknown; identity: ProductIdentity };
    /** 200 answers that mean "nobody" in this product (the suite adds 401, 403 and a login redirect). */
    nobody: readonly LabelledBody[];
    /** 200 answers of the wrong shape (the suite adds malformed JSON and an HTML page). */
    invalid: readonly LabelledBody[];
  };
  lookUpUser: {
    /** Context-relative path of a look-up's first request; the suite injects failures there. */
    path: string;
    /** msw handlers (made with `server.url`) answering every request of a look-up with `answer`. */
    serve(answer: UserAnswer, server: ProductServer): RequestHandler[];
    /**
     * A user the suite looks up as `ask`, the `ProductUser` the adapter must return, and the query the
     * first request must carry.
     */
    found: { answer: UserAnswer; ask: string; user: ProductUser; query: ReadonlyArray<[string, string]> };
    /** Answers and whether each means an active user (deactivated, deleted, …). */
    activity: ReadonlyArray<readonly [label: string, answer: UserAnswer, active: boolean]>;
    /** 200 answers of `path` of the wrong shape (the suite adds malformed JSON). */
    invalid: readonly LabelledBody[];
  };
  deliverAudit: {
    /** Context-relative path the record is POSTed to. */
    path: string;
    /** The status the product answers a written record with (201, 200, …). */
    createdStatus: number;
    /** Handlers for what the adapter asks before writing (Jira: its version, the actor's key). */
    prerequisites?(server: ProductServer): RequestHandler[];
    /** The body the adapter must post for {@link CONFORMANCE_AUDIT_RECORD}. */
    body: unknown;
  };
}

/** What a conformance case runs with. */
export interface ConformanceContext {
  readonly server: ProductServer;
  /** A fresh adapter with the test service account; `timeoutMs` for the timeout cases. */
  create(timeoutMs?: number): Product;
}

/** One check of the suite: runnable by vitest, or directly (the suite's own tests try broken adapters). */
export interface ConformanceCase {
  /** The part of the port checked: `constants`, `whoIs`, `lookUpUser`, `deliverAudit`, `judgePasswordResponse`. */
  group: string;
  name: string;
  run(context: ConformanceContext): Promise<void>;
}
