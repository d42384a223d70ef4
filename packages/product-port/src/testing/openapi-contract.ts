/**
 * A product's official OpenAPI document, for the adapter's schema tests: the response schema of an
 * operation, the contract check of a zod schema against it, and validation of msw fixtures with ajv,
 * so a handler can never serve a shape the product would not.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import ajvFormats from 'ajv-formats';
import type { z } from 'zod';
import { findContractMismatches, type ContractPatch, type ContractSchema } from '../contract-mismatches.js';

/** The parts of an OpenAPI 3 document the helpers read. */
export interface OpenApiDocument {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: ContractSchema }> }> }>
  >;
  components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
}

/** What {@link readOpenApiContract} returns. */
export interface OpenApiContract {
  readonly document: OpenApiDocument;
  /** The 200 `application/json` schema of `method path` (a path as the document spells it). */
  okSchema(path: string, method?: string): ContractSchema;
  /** {@link findContractMismatches} of `schema` against the 200 answer of `GET path`. */
  mismatches(schema: z.ZodType, path: string, patches?: Readonly<Record<string, ContractPatch>>): string[];
  /** `'valid'` when `fixture` fits the 200 answer of `GET path`, else ajv's description of why not. */
  validate(fixture: unknown, path: string): string;
}

/**
 * Reads an OpenAPI document (JSON) from `file`.
 *
 * @example
 * ```ts
 * const contract = readOpenApiContract(new URL('../contracts/jira-openapi.json', import.meta.url));
 * expect(contract.mismatches(jiraMyselfSchema, '/api/2/myself')).toEqual([]);
 * expect(contract.validate(myselfFred, '/api/2/myself')).toBe('valid');
 * ```
 */
export function readOpenApiContract(file: URL | string): OpenApiContract {
  const document = JSON.parse(readFileSync(file, 'utf8')) as OpenApiDocument;
  const ajv = new Ajv({ strict: false, allErrors: true });
  // ajv-formats is CommonJS; under NodeNext its default export is the module object.
  (ajvFormats as unknown as { default: (a: Ajv) => void }).default(ajv);
  ajv.addSchema(document as object, 'contract');
  const validators = new Map<string, ValidateFunction>();

  function okSchema(path: string, method = 'get'): ContractSchema {
    const schema = document.paths[path]?.[method]?.responses['200']?.content?.['application/json']?.schema;
    if (schema === undefined)
      throw new Error(`the contract has no 200 JSON answer for ${method.toUpperCase()} ${path}`);
    return schema;
  }

  return {
    document,
    okSchema,
    mismatches: (schema, path, patches) =>
      findContractMismatches(schema, {
        document,
        contract: okSchema(path),
        ...(patches === undefined ? {} : { patches }),
      }),
    validate(fixture, path) {
      okSchema(path);
      let check = validators.get(path);
      if (check === undefined) {
        // Through the path, so inline response schemas resolve `$ref`s into the document too.
        const pointer = path.replace(/~/g, '~0').replace(/\//g, '~1');
        check = ajv.compile({
          $ref: `contract#/paths/${pointer}/get/responses/200/content/application~1json/schema`,
        });
        validators.set(path, check);
      }
      return check(fixture) ? 'valid' : ajv.errorsText(check.errors);
    },
  };
}
