import template from './nudge.json';
import { expandForm } from './forms';
import type { AdaptiveCardJson } from './render';

/**
 * Gentle proactive messages: the 10-day nudge, and a manager's note of encouragement. The note is user
 * text, so it goes in a TextRun (no Markdown) and is bound as data (never expanded as a template).
 */
export function renderNudgeCard(data: { roundId: string; days: number }): AdaptiveCardJson {
  return expandForm(template, {
    heading: 'A quiet stretch is normal',
    line: `It has been ${data.days} days since your last journal entry. No catching up needed: two lines on what you tried, or even on why there was no time, are useful to you and to your manager.`,
    note: '',
    footer: 'This is the only reminder you will get about it.',
    roundId: data.roundId,
  });
}

export function renderNoteCard(data: { fromName: string; text: string; roundId: string }): AdaptiveCardJson {
  return expandForm(template, {
    heading: `A note from ${data.fromName}`,
    line: 'About your practice:',
    note: data.text,
    footer: 'Reply to them in chat if you like; nothing here is recorded as feedback on your work.',
    roundId: data.roundId,
  });
}
