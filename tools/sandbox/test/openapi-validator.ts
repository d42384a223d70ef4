import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import type { ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface OpenApiDocument {
  paths: Record<
    string,
    Record<string, { responses?: Record<string, { content?: Record<string, { schema?: Json }> }> }>
  >;
  components: { schemas: Record<string, JsonObject> };
}

/** A narrow, commented correction of one schema in an official document. */
export interface SchemaPatch {
  schema: string;
  why: string;
  apply(schema: JsonObject, ref: (name: string) => JsonObject): JsonObject;
}

export interface ValidationResult {
  valid: boolean;
  errors: string[];
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * OpenAPI 3.0 schema objects → JSON Schema for ajv: `nullable: true` becomes a `null` alternative, and
 * document-local `$ref`s are made absolute so an extracted response schema still resolves them.
 */
function toJsonSchema(node: Json, documentId: string): Json {
  if (Array.isArray(node)) return node.map((item) => toJsonSchema(item, documentId));
  if (!isObject(node)) return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string' && value.startsWith('#/'))
      out[key] = `${documentId}${value}`;
    else if (key === 'nullable') continue;
    else out[key] = toJsonSchema(value, documentId);
  }
  if (node.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    else return { anyOf: [out, { type: 'null' }] };
  }
  return out;
}

/**
 * Validates response bodies against one official OpenAPI document. Response schemas are looked up by
 * path, method and status exactly as the document has them; a missing one is an error, never a pass.
 */
export class OpenApiValidator {
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly document: OpenApiDocument;
  readonly appliedPatches: string[] = [];

  constructor(
    private readonly id: string,
    file: URL,
    patches: SchemaPatch[] = [],
  ) {
    addFormats.default(this.ajv);
    this.document = JSON.parse(readFileSync(file, 'utf8')) as OpenApiDocument;
    const schemas: JsonObject = {};
    for (const [name, schema] of Object.entries(this.document.components.schemas)) {
      schemas[name] = toJsonSchema(schema, id);
    }
    const ref = (name: string): JsonObject => {
      if (!(name in schemas)) throw new Error(`${id} has no component schema ${name}`);
      return { $ref: `${id}#/components/schemas/${name}` };
    };
    for (const patch of patches) {
      const current = schemas[patch.schema];
      if (!isObject(current)) throw new Error(`${id}: patch for unknown schema ${patch.schema}`);
      schemas[patch.schema] = patch.apply(structuredClone(current), ref);
      this.appliedPatches.push(patch.schema);
    }
    this.ajv.addSchema({ $id: id, components: { schemas } });
  }

  /** The reference to a component schema, for composing a check. */
  component(name: string): JsonObject {
    if (!(name in this.document.components.schemas))
      throw new Error(`${this.id} has no component schema ${name}`);
    return { $ref: `${this.id}#/components/schemas/${name}` };
  }

  /** The `application/json` response schema the document gives for a path, method and status. */
  responseSchema(path: string, method: string, status: string): JsonObject {
    const operation = this.document.paths[path]?.[method.toLowerCase()];
    if (!operation) throw new Error(`${this.id} documents no ${method.toUpperCase()} ${path}`);
    const schema = operation.responses?.[status]?.content?.['application/json']?.schema;
    if (!isObject(schema))
      throw new Error(`${this.id} gives no JSON schema for ${method.toUpperCase()} ${path} ${status}`);
    return toJsonSchema(schema, this.id) as JsonObject;
  }

  validate(schema: object, body: unknown): ValidationResult {
    const check = this.ajv.compile(schema as Record<string, unknown>);
    const valid = check(body);
    return {
      valid,
      errors: (check.errors ?? []).map(
        (error: ErrorObject) => `${error.instancePath || '/'} ${error.message ?? ''}`,
      ),
    };
  }
}
