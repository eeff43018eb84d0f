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

/** OpenAI's function names: a-z, A-Z, 0-9, underscores and dashes, at most 64 characters. */
const functionName = z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be a-z, A-Z, 0-9, underscores or dashes, at most 64 characters');
const toolCall = z.object({
  id: z.string().min(1),
  type: z.literal('function'),
  function: z.object({ name: functionName, arguments: z.string() }).strict(),
}).strict();

const message = z.discriminatedUnion('role', [
  z.object({ role: z.literal('system'), content, name: z.string().optional() }).strict(),
  z.object({ role: z.literal('developer'), content, name: z.string().optional() }).strict(),
  z.object({ role: z.literal('user'), content, name: z.string().optional() }).strict(),
  z.object({ role: z.literal('assistant'), content: content.nullable().optional(), name: z.string().optional(), tool_calls: z.array(toolCall).min(1).optional() }).strict(),
  z.object({ role: z.literal('tool'), content, tool_call_id: z.string().min(1) }).strict(),
]);

/** A tool the model may call (teams-ai's tools augmentation sends each action of a prompt as one). */
const tool = z.object({
  type: z.literal('function'),
  function: z.object({
    name: functionName,
    description: z.string().optional(),
    // A JSON Schema object; the sandbox checks it is an object, not the schema language itself.
    parameters: z.record(z.unknown()).optional(),
    strict: z.boolean().nullable().optional(),
  }).strict(),
}).strict();
export type ChatCompletionToolDefinition = z.infer<typeof tool>;

const toolChoice = z.union([
  z.enum(['none', 'auto', 'required']),
  z.object({ type: z.literal('function'), function: z.object({ name: functionName }).strict() }).strict(),
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
  tools: z.array(tool).min(1).max(128).optional(),
  tool_choice: toolChoice.optional(),
  parallel_tool_calls: z.boolean().optional(),
  response_format: z.union([
    z.object({ type: z.literal('text') }).strict(),
    z.object({ type: z.literal('json_object') }).strict(),
  ]).optional(),
}).strict().refine((request) => request.tool_choice === undefined || request.tools !== undefined, { message: 'tool_choice is only allowed when tools are specified', path: ['tool_choice'] })
  .refine((request) => request.parallel_tool_calls === undefined || request.tools !== undefined, { message: 'parallel_tool_calls is only allowed when tools are specified', path: ['parallel_tool_calls'] });
export type ChatCompletionRequest = z.infer<typeof chatCompletionRequestSchema>;

// Compile-time: every request the schema accepts is a valid request of the openai package.
const conformsToOpenAi = (request: ChatCompletionRequest): ChatCompletionCreateParamsNonStreaming => request;
void conformsToOpenAi;
