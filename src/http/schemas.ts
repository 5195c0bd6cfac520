import type { FastifyInstance } from 'fastify';
import fastJson from 'fast-json-stringify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';

function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** A string of min to max characters, counted as JSON Schema counts them (an emoji is one, not two UTF-16 units). */
export const chars = (min: number, max: number) =>
  z.string().refine((s) => {
    const n = codePoints(s);
    return n >= min && n <= max;
  }, `must be ${min} to ${max} characters long`);

/**
 * Route schemas are zod types: they validate requests (fastify-type-provider-zod) and type the
 * handlers. Responses are written by fast-json-stringify from each response schema's JSON Schema,
 * as fastify does for JSON Schema routes, instead of parsing every reply with zod before a
 * JSON.stringify (the provider's own serializer).
 */
export function useZodSchemas(app: FastifyInstance): void {
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(({ schema }) => fastJson(z.toJSONSchema(schema as z.ZodType, { io: 'output', target: 'draft-07' }) as object));
}

/** Whom a notice would reach (src/features/knowledge-editor/preview.ts): the console shows it before anything is sent. */
export const audienceReply = z
  .object({ total: z.number(), channels: z.record(z.string(), z.number()).describe('web, telegram'), langs: z.record(z.string(), z.number()) })
  .describe('The subscribers it would notify, each once: how many, on which channels, in which languages');
