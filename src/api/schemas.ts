import { z } from 'zod';

/**
 * The shape of every REST body, one schema per route: each field's type, and no field the route does not
 * take (a misspelt or wrong-typed field must not be dropped while the rest is applied). What a field's
 * content must be (lengths, ranges, who may be named) is the domain's rule and is checked there, so the
 * same rule holds for the chat cards.
 */

const text = (what: string) => z.string({ invalid_type_error: `${what} must be text.` });
const number = (what: string) => z.number({ invalid_type_error: `${what} must be a number.` });
const boolean = (what: string) => z.boolean({ invalid_type_error: `${what} must be true or false.` });
const textList = (what: string) => z.array(text(`Each of ${what}`), { invalid_type_error: `${what} must be a list of ids.` });
const object = (what: string) => ({ invalid_type_error: `${what} must be an object.`, required_error: `Send ${what}.` });
const expectedVersion = number('expectedVersion').int('expectedVersion must be a whole number.').nonnegative().optional();
const anyObject = (what: string) => z.record(z.unknown(), object(what));

const roundFields = {
  name: text('name'),
  ownerIds: textList('ownerIds'),
  participantIds: textList('participantIds'),
  managerScopes: textList('managerScopes'),
  window: z.object({ start: text('window.start').optional(), weeks: number('window.weeks').optional() }, object('window')).strict(),
  hoursPerWeek: number('hoursPerWeek'),
  shareback: z.object({ startsAt: text('shareback.startsAt').optional(), durationMinutes: number('shareback.durationMinutes').optional(), timeZone: text('shareback.timeZone').optional() }, object('shareback')).strict(),
  catalogue: z.array(anyObject('Each catalogue entry'), { invalid_type_error: 'catalogue must be a list of tools.' }),
  sensitiveTerms: z.array(text('Each sensitive term'), { invalid_type_error: 'sensitiveTerms must be a list of words.' }),
};

export const REQUEST_BODIES = {
  createRound: z.object({ ...roundFields, policyText: text('policyText') }).partial().strict(),
  editRound: z.object({ ...roundFields, coachOff: boolean('coachOff'), expectedVersion }).partial().strict(),
  publishPolicy: z.object({ text: text('text') }).strict(),
  empty: z.object({}).strict(),
  blockKept: z.object({ kept: boolean('kept'), reason: text('reason').optional() }).strict(),
  acknowledge: z.object({
    policyVersion: number('policyVersion'),
    policyAccepted: boolean('policyAccepted').optional(),
    toolTermsAccepted: boolean('toolTermsAccepted').optional(),
    tool: z.object({ toolId: text('tool.toolId').optional(), otherToolName: text('tool.otherToolName').optional(), otherToolTermsUrl: text('tool.otherToolTermsUrl').optional() }, object('tool')).strict().optional(),
  }).strict(),
  selection: z.object({ selection: z.record(z.unknown(), { required_error: 'Send selection: the friction point, tool, KPI and the five rubric scores.', invalid_type_error: 'selection must be an object.' }), expectedVersion }).strict(),
  submit: z.object({ hypothesis: z.record(z.unknown(), { required_error: 'Send hypothesis: the baseline, target and how you will know.', invalid_type_error: 'hypothesis must be an object.' }), expectedVersion }).strict(),
  review: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('approve'), comment: text('comment').optional(), expectedVersion }).strict(),
    z.object({ kind: z.literal('requestChanges'), comment: text('comment'), expectedVersion }).strict(),
    z.object({ kind: z.literal('extendWindow'), days: number('days'), expectedVersion }).strict(),
  ], { errorMap: () => ({ message: 'Send kind approve, requestChanges (with a comment) or extendWindow (with days).' }) }),
  linkMeeting: z.object({ roundId: text('roundId') }).strict(),
  advance: z.object({
    step: z.union([z.literal(1), z.literal(-1)], { errorMap: () => ({ message: 'step is 1 (next presenter) or -1 (previous).' }) }).optional(),
    to: text('to').optional(),
    expectedVersion,
  }).strict(),
  order: z.object({
    order: z.array(text('Each entry of order'), { invalid_type_error: 'order must be a list of participant ids.' }).optional(),
    grouping: z.enum(['team', 'tool'], { errorMap: () => ({ message: 'grouping is team or tool.' }) }).optional(),
    expectedVersion,
  }).strict(),
  summary: z.object({
    worked: text('worked').optional(), failed: text('failed').optional(), keepTesting: text('keepTesting').optional(), resultNow: text('resultNow').optional(),
    resultValue: number('resultValue').nullable().optional(),
    ready: boolean('ready').optional(), expectedVersion,
  }).strict(),
  decision: z.object({
    outcome: text('outcome'), ownerId: text('ownerId').optional(), dueDate: text('dueDate').optional(), note: text('note').optional(),
    scope: text('scope').optional(), tool: text('tool').optional(), approver: text('approver').optional(), seats: number('seats').optional(),
    internalOwnerId: text('internalOwnerId').optional(), learned: text('learned').optional(),
    decideEarly: boolean('decideEarly').optional(), earlyReason: text('earlyReason').optional(),
    expectedVersion,
  }).strict(),
  followUp: z.object({ start: text('start') }).strict(),
  journal: z.object({
    improved: text('improved').optional(), broke: text('broke').optional(), surprised: text('surprised').optional(), taught: text('taught').optional(),
    missedReason: text('missedReason').optional(), hoursPractised: number('hoursPractised').optional(), missedBlocks: number('missedBlocks').optional(),
    missedBlockRefs: z.array(text('Each missed block'), { invalid_type_error: 'missedBlockRefs must be a list.' }).optional(),
    sensitiveData: z.enum(['redact', 'confirm'], { errorMap: () => ({ message: 'sensitiveData is "redact" or "confirm".' }) }).optional(),
    expectedVersion,
  }).strict(),
  newAsset: z.object({
    kind: text('kind').optional(), title: text('title').optional(), content: text('content').optional(), url: text('url').optional(),
    goodFor: text('goodFor').optional(), submissionId: text('submissionId').optional(),
    sensitiveData: z.enum(['redact', 'confirm'], { errorMap: () => ({ message: 'sensitiveData is "redact" or "confirm".' }) }).optional(),
  }).strict(),
  assetChange: z.object({
    kind: text('kind').optional(), title: text('title').optional(), content: text('content').optional(), url: text('url').optional(),
    goodFor: text('goodFor').optional(), shared: boolean('shared').optional(),
    sensitiveData: z.enum(['redact', 'confirm'], { errorMap: () => ({ message: 'sensitiveData is "redact" or "confirm".' }) }).optional(),
    expectedVersion,
  }).strict(),
  encourage: z.object({ message: text('message') }).strict(),
  kickoffResend: z.object({ who: z.enum(['failed', 'uncertain'], { errorMap: () => ({ message: 'who is "failed" or "uncertain".' }) }) }).strict(),
} as const;
