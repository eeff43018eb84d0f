import type { PersonalConversation } from './memberRepo';

/** An Adaptive Card as plain JSON (what `src/cards/*` render). */
export type CardContent = { readonly type: 'AdaptiveCard'; readonly [key: string]: unknown };

export interface SendCardOptions {
  readonly abortSignal?: AbortSignal;
}

/** Delivery failed; `retryable` says whether trying later can help (throttling, a 5xx) or not (the user blocked the app). */
export class DeliveryError extends Error {
  constructor(message: string, readonly retryable: boolean, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DeliveryError';
  }
}

/** Proactive messages into a person's personal chat with the app (kickoff, review requests, reminders). */
export interface ChatMessenger {
  sendCard(conversation: PersonalConversation, card: CardContent, options?: SendCardOptions): Promise<{ readonly activityId: string }>;
}
