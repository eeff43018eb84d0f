import { z } from 'zod';
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';

/**
 * The part of OpenAI's chat-completions request the sandbox accepts, as a zod schema. The assertion under it
 * holds it to the `openai` package's own `ChatCompletionCreateParamsNonStreaming` type: a field the package
 * does not define (or defines differently) fails the type check, so the sandbox cannot drift from the protocol.
 * Unknown fields are refused (strict), so a client sending something the real service would reject fails here too.
 */
const text = z.string();
const contentPart = z.object({ type: z.literal('text'), text }).strict();
const content = z.union([text, z.array(contentPart).min(1)]);

const message = z.discriminatedUnion('role', [
  z.object({ role: z.literal('system'), content, name: z.string().optional() }).strict(),
  z.object({ role: z.literal('developer'), content, name: z.string().optional() }).strict(),
  z.object({ role: z.literal('user'), content, name: z.string().optional() }).strict(),
  z.object({ role: z.literal('assistant'), content: content.nullable().optional(), name: z.string().optional() }).strict(),
]);

export const chatCompletionRequestSchema = z.object({
  model: z.string().min(1),
  messages: z.array(message).min(1),
  max_tokens: z.number().int().positive().nullable().optional(),
  max_completion_tokens: z.number().int().positive().nullable().optional(),
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().min(0).max(1).nullable().optional(),
  presence_penalty: z.number().min(-2).max(2).nullable().optional(),
  frequency_penalty: z.number().min(-2).max(2).nullable().optional(),
  n: z.number().int().min(1).max(1).nullable().optional(),
  seed: z.number().int().nullable().optional(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullable().optional(),
  user: z.string().optional(),
  stream: z.literal(false).nullable().optional(),
  response_format: z.union([
    z.object({ type: z.literal('text') }).strict(),
    z.object({ type: z.literal('json_object') }).strict(),
  ]).optional(),
}).strict();
export type ChatCompletionRequest = z.infer<typeof chatCompletionRequestSchema>;

// Compile-time: every request the schema accepts is a valid request of the openai package.
const conformsToOpenAi = (request: ChatCompletionRequest): ChatCompletionCreateParamsNonStreaming => request;
void conformsToOpenAi;
