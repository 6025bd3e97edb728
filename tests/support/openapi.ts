import fs from 'node:fs';
import path from 'node:path';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

/**
 * Checks HTTP responses against `openapi.yaml`, so handler tests prove the contract the app and the ops
 * tools rely on instead of restating it. OpenAPI 3.1 schemas are JSON Schema 2020-12, so Ajv validates
 * them as they are; `$ref`s resolve inside the whole document, registered under one base URI.
 *
 * ```ts
 * expect(validateResponse('GET', 'me/progress', res.status, res.headers.get('content-type'), body)).toEqual([]);
 * ```
 */

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation | unknown>>;
  components: { schemas: Record<string, unknown>; responses: Record<string, Response> };
}
export interface Operation {
  operationId?: string;
  security?: Record<string, string[]>[];
  requestBody?: { required?: boolean; content: Record<string, { schema: unknown }> };
  responses: Record<string, Response | { $ref: string }>;
}
interface Response {
  description: string;
  content?: Record<string, { schema: unknown }>;
}

export const OPENAPI_PATH = path.resolve(__dirname, '../../openapi.yaml');
const BASE_URI = 'https://cold-member-activation.invalid/openapi.json';
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

let cached: { doc: OpenApiDocument; ajv: Ajv2020; validators: Map<string, ValidateFunction> } | undefined;

function state() {
  if (!cached) {
    const doc = parse(fs.readFileSync(OPENAPI_PATH, 'utf8')) as OpenApiDocument;
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    addFormats(ajv);
    // The document is not a schema, but its schemas live in it: unknown top-level keywords are declared.
    for (const keyword of ['openapi', 'info', 'servers', 'security', 'tags', 'paths', 'components'])
      ajv.addKeyword(keyword);
    ajv.addSchema(doc, BASE_URI);
    cached = { doc, ajv, validators: new Map() };
  }
  return cached;
}

export function openApiDocument(): OpenApiDocument {
  return state().doc;
}

/** `me/progress`, `/api/me/progress` or `/api/me/celebrations/TARGET_REACHED/ack` → its spec path. */
export function specPath(route: string): string | undefined {
  const clean = `/${
    route
      .split('?')[0]
      ?.replace(/^\/+/, '')
      .replace(/^api\//, '') ?? ''
  }`;
  const paths = Object.keys(openApiDocument().paths);
  if (paths.includes(clean)) return clean;
  return paths.find((p) => new RegExp(`^${p.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(clean));
}

/** Every documented operation as `METHOD /path`. */
export function operations(): { method: string; path: string; operation: Operation }[] {
  return Object.entries(openApiDocument().paths).flatMap(([p, item]) =>
    METHODS.filter((m) => m in item).map((m) => ({
      method: m.toUpperCase(),
      path: p,
      operation: item[m] as Operation,
    })),
  );
}

function response(op: Operation, status: number): { response: Response; pointer: string } | undefined {
  const key = String(status);
  const entry = op.responses[key];
  if (!entry) return undefined;
  if ('$ref' in entry) {
    const name = entry.$ref.replace('#/components/responses/', '');
    const resolved = openApiDocument().components.responses[name];
    return resolved ? { response: resolved, pointer: `/components/responses/${name}` } : undefined;
  }
  return { response: entry, pointer: '' };
}

const escapePointer = (s: string): string => s.replace(/~/g, '~0').replace(/\//g, '~1');

/** Compiles (once) the schema at a JSON pointer into the document, e.g. `/components/schemas/Progress`. */
export function validator(pointer: string): ValidateFunction {
  const { ajv, validators } = state();
  let validate = validators.get(pointer);
  if (!validate) {
    validate = ajv.compile({ $ref: `${BASE_URI}#${pointer}` });
    validators.set(pointer, validate);
  }
  return validate;
}

const describeError = (e: ErrorObject): string =>
  `${e.instancePath || '(body)'} ${e.message ?? e.keyword}${e.keyword === 'additionalProperties' ? ` (${String(e.params.additionalProperty)})` : ''}${e.keyword === 'enum' ? ` (${(e.params.allowedValues as unknown[]).join(', ')})` : ''}`;

/**
 * The ways a response differs from the spec; empty when it conforms. `contentType` may carry parameters
 * (`application/json; charset=utf-8`); `body` is the parsed JSON body (undefined when there is none).
 */
export function validateResponse(
  method: string,
  routeTemplate: string,
  status: number,
  contentType: string | null | undefined,
  body: unknown,
): string[] {
  const where = `${method.toUpperCase()} ${routeTemplate} → ${status}`;
  const p = specPath(routeTemplate);
  if (!p) return [`${where}: no path ${routeTemplate} in openapi.yaml`];
  const op = openApiDocument().paths[p]?.[method.toLowerCase()] as Operation | undefined;
  if (!op) return [`${where}: ${method.toUpperCase()} is not documented for ${p}`];
  const found = response(op, status);
  if (!found)
    return [
      `${where}: status ${status} is not documented (documented: ${Object.keys(op.responses).join(', ')})`,
    ];
  const media = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const content = found.response.content;
  if (!content) return body === undefined || body === '' ? [] : [`${where}: no body is documented, got one`];
  if (!content[media])
    return [
      `${where}: content type "${media}" is not documented (documented: ${Object.keys(content).join(', ')})`,
    ];
  const base = found.pointer || `/paths/${escapePointer(p)}/${method.toLowerCase()}/responses/${status}`;
  const validate = validator(`${base}/content/${escapePointer(media)}/schema`);
  return validate(body) ? [] : (validate.errors ?? []).map((e) => `${where}: ${describeError(e)}`);
}

/** The ways a request body differs from the spec (for tests of 400/415/422 handling); empty when it conforms. */
export function validateRequestBody(
  method: string,
  routeTemplate: string,
  contentType: string,
  body: unknown,
): string[] {
  const where = `${method.toUpperCase()} ${routeTemplate} request`;
  const p = specPath(routeTemplate);
  const op = p ? (openApiDocument().paths[p]?.[method.toLowerCase()] as Operation | undefined) : undefined;
  if (!p || !op?.requestBody) return [`${where}: no request body is documented`];
  const media = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (!op.requestBody.content[media]) return [`${where}: content type "${media}" is not documented`];
  const validate = validator(
    `/paths/${escapePointer(p)}/${method.toLowerCase()}/requestBody/content/${escapePointer(media)}/schema`,
  );
  return validate(body) ? [] : (validate.errors ?? []).map((e) => `${where}: ${describeError(e)}`);
}
