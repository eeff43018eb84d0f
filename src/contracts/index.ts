import type { z } from 'zod';
import type { Answer } from './common';
import { experimentPageSchema } from './experimentPage';
import { dashboardHomeSchema, whoAmISchema } from './home';
import { assetsSchema, checkInDigestSchema, journalEntriesSchema } from './journals';
import { decisionViewSchema, meetingSessionSchema, summaryViewSchema } from './meeting';
import { ownerOverviewSchema, roundFunnelSchema, roundProblemsPageSchema } from './owner';
import { participantViewSchema, roundOutlineAnswerSchema } from './participant';
import { capabilityMapSchema, roundReportSchema } from './report';
import { ownedRoundsSchema, roundPeopleSchema, roundRosterSchema } from './roundPeople';
import { directReportsSchema, reviewQueueSchema, teamSchema } from './team';

/**
 * Every answer the tabs read, by name. The tabs ask for an answer by its name (`api.get(path, 'team')`), so its
 * type comes from the schema with no copy; in a development build the tab also checks the answer against it.
 */
export const CONTRACTS = {
  whoAmI: whoAmISchema,
  dashboardHome: dashboardHomeSchema,
  participantView: participantViewSchema,
  roundOutline: roundOutlineAnswerSchema,
  ownerOverview: ownerOverviewSchema,
  roundFunnel: roundFunnelSchema,
  roundProblems: roundProblemsPageSchema,
  roundPeople: roundPeopleSchema,
  roundRoster: roundRosterSchema,
  ownedRounds: ownedRoundsSchema,
  team: teamSchema,
  directReports: directReportsSchema,
  reviewQueue: reviewQueueSchema,
  experimentPage: experimentPageSchema,
  journalEntries: journalEntriesSchema,
  assets: assetsSchema,
  checkInDigest: checkInDigestSchema,
  meetingSession: meetingSessionSchema,
  summaryView: summaryViewSchema,
  decisionView: decisionViewSchema,
  roundReport: roundReportSchema,
  capabilityMap: capabilityMapSchema,
} as const satisfies Record<string, z.ZodTypeAny>;

export type ContractName = keyof typeof CONTRACTS;
export type AnswerOf<N extends ContractName> = Answer<(typeof CONTRACTS)[N]>;
