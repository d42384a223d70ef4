/**
 * Checks that a hand-written zod schema only reads what a product's official OpenAPI contract
 * promises: every field the schema reads must exist in the contract schema with a compatible type.
 * Adapters use it in their schema tests; known defects of the generated contracts are bridged by
 * explicit, narrow patches that must each be used (an unused patch is reported too).
 */
import { z } from 'zod';

/** A JSON-Schema-like node as found in an OpenAPI 3 document. */
export type ContractSchema = { readonly [keyword: string]: unknown };

/** Replaces the contract's schema at one path, for a documented defect of the contract. */
export interface ContractPatch {
  /** Why the contract is wrong here; shown in the report when the patch is not needed. */
  reason: string;
  /** The schema the contract should have at this path (may `$ref` into the document). */
  schema: ContractSchema;
}

/** Options of {@link findContractMismatches}. */
export interface ContractCheckOptions {
  /** The whole OpenAPI document, for resolving `#/…` references. */
  document: unknown;
  /** Where to start in the contract, e.g. `{ $ref: '#/components/schemas/UserBean' }`. */
  contract: ContractSchema;
  /**
   * Patches keyed by path: property names joined by `.`, `[]` for array items, e.g. `groups.items`
   * (the property) or `results[]` (the items of `results`).
   */
  patches?: Readonly<Record<string, ContractPatch>>;
}

/**
 * Lists every place where `schema` reads something the contract does not promise (an absent field, an
 * incompatible type), plus every patch that was not needed. Empty = compatible.
 *
 * @example
 * ```ts
 * const problems = findContractMismatches(userSchema, {
 *   document: jiraOpenApi,
 *   contract: { $ref: '#/components/schemas/UserBean' },
 *   patches: { 'groups.items': { reason: 'missing from SimpleListWrapperGroupJsonBean', schema: { type: 'array' } } },
 * });
 * expect(problems).toEqual([]);
 * ```
 */
export function findContractMismatches(schema: z.ZodType, options: ContractCheckOptions): string[] {
  const ours = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as ContractSchema;
  const patches = options.patches ?? {};
  const used = new Set<string>();
  let problems: string[] = [];

  function resolve(node: ContractSchema, path: string): ContractSchema | null {
    let current = node;
    for (let hops = 0; typeof current.$ref === 'string'; hops += 1) {
      const ref = current.$ref;
      if (hops > 32 || !ref.startsWith('#/')) {
        problems.push(`${path || '(root)'}: cannot resolve contract reference ${ref}`);
        return null;
      }
      let target: unknown = options.document;
      for (const segment of ref.slice(2).split('/')) {
        const key = segment.replace(/~1/g, '/').replace(/~0/g, '~');
        target =
          typeof target === 'object' && target !== null
            ? (target as Record<string, unknown>)[key]
            : undefined;
      }
      if (typeof target !== 'object' || target === null) {
        problems.push(`${path || '(root)'}: contract reference ${ref} points nowhere`);
        return null;
      }
      current = target as ContractSchema;
    }
    return current;
  }

  /** Compares `ourNode` with the contract at `path`, applying the patch for that path if there is one. */
  function check(
    ourNode: ContractSchema,
    original: ContractSchema | undefined,
    path: string,
    missing: string,
  ): void {
    const patch = patches[path];
    if (patch !== undefined) {
      used.add(path);
      if (original !== undefined && trial(ourNode, original, path).length === 0) {
        problems.push(`${path || '(root)'}: patch not needed, the contract already fits (${patch.reason})`);
      }
    }
    const target =
      patch !== undefined
        ? resolve(patch.schema, path)
        : original === undefined
          ? null
          : resolve(original, path);
    if (target === null) {
      problems.push(`${path || '(root)'}: ${missing}`);
      return;
    }
    compare(ourNode, target, path);
  }

  /** The problems `compare` would report, without reporting them. */
  function trial(ourNode: ContractSchema, theirNode: ContractSchema, path: string): string[] {
    const saved = problems;
    problems = [];
    try {
      const resolved = resolve(theirNode, path);
      if (resolved === null) return ['unresolved'];
      compare(ourNode, resolved, path);
      return problems;
    } finally {
      problems = saved;
    }
  }

  function typesOf(node: ContractSchema): string[] {
    if (typeof node.type === 'string') return [node.type];
    if (Array.isArray(node.type)) return node.type.filter((type): type is string => typeof type === 'string');
    // OpenAPI generators often leave out `type: object` when they list properties.
    if (typeof node.properties === 'object' || typeof node.additionalProperties === 'object')
      return ['object'];
    return [];
  }

  function compatible(ourType: string, theirTypes: readonly string[]): boolean {
    if (theirTypes.includes(ourType)) return true;
    // Every integer is a number; the reverse is not promised.
    return ourType === 'number' && theirTypes.includes('integer');
  }

  function compare(ourNode: ContractSchema, theirNode: ContractSchema, path: string): void {
    const alternatives = [ourNode.anyOf, ourNode.oneOf].find(Array.isArray) as ContractSchema[] | undefined;
    if (alternatives !== undefined) {
      for (const alternative of alternatives) {
        if (!typesOf(alternative).every((type) => type === 'null')) compare(alternative, theirNode, path);
      }
      return;
    }
    // `null` is how zod spells "optional and may be null"; the contract has no say on it.
    const ourTypes = typesOf(ourNode).filter((type) => type !== 'null');
    if (ourTypes.length === 0) return; // z.unknown(): we read nothing from it.
    const theirTypes = typesOf(theirNode);
    for (const ourType of ourTypes) {
      if (!compatible(ourType, theirTypes)) {
        problems.push(
          `${path || '(root)'}: we read ${ourType}, the contract says ${theirTypes.join('|') || 'nothing'}`,
        );
        return;
      }
    }
    if (
      ourTypes.includes('object') &&
      typeof ourNode.properties === 'object' &&
      ourNode.properties !== null
    ) {
      const theirProperties = (
        typeof theirNode.properties === 'object' && theirNode.properties !== null ? theirNode.properties : {}
      ) as Record<string, ContractSchema>;
      for (const [name, ourProperty] of Object.entries(
        ourNode.properties as Record<string, ContractSchema>,
      )) {
        const childPath = path === '' ? name : `${path}.${name}`;
        check(
          ourProperty,
          Object.hasOwn(theirProperties, name) ? theirProperties[name] : undefined,
          childPath,
          'not in the contract',
        );
      }
    }
    if (ourTypes.includes('array') && typeof ourNode.items === 'object' && ourNode.items !== null) {
      const theirItems =
        typeof theirNode.items === 'object' && theirNode.items !== null
          ? (theirNode.items as ContractSchema)
          : undefined;
      check(ourNode.items as ContractSchema, theirItems, `${path}[]`, 'the contract does not type the items');
    }
  }

  check(ours, options.contract, '', 'no contract schema');
  for (const [path, patch] of Object.entries(patches)) {
    if (!used.has(path)) problems.push(`${path}: patch not needed (${patch.reason})`);
  }
  return problems;
}
