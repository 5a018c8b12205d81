/**
 * A tool's input as JSON Schema, converted exactly as the SDK does for tools/list: what a
 * model sees, and what package.json's languageModelTools must declare (a unit test checks).
 */
import { toJsonSchemaCompat } from '@modelcontextprotocol/sdk/server/zod-json-schema-compat.js';
import { z } from 'zod';
import type { S2Tool } from './s2Tools';

export function toolInputJsonSchema(tool: S2Tool): Record<string, unknown> {
  // Typed loosely on purpose: the SDK's zod v3/v4 compat types make tsc instantiate too deep.
  const convert = toJsonSchemaCompat as (schema: unknown, opts: object) => Record<string, unknown>;
  const schema = convert(z.object(tool.input), { strictUnions: true, pipeStrategy: 'input' });
  const { $schema: _drop, ...rest } = schema;
  return rest;
}
