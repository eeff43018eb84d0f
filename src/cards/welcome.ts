import template from './welcome.json';
import { expandTemplate, type AdaptiveCardJson } from './render';

export interface WelcomeCardData {
  readonly firstName: string;
  readonly nextStep: string;
  /** Deep link to the personal dashboard tab; empty when the app id is not configured (local Playground). */
  readonly dashboardUrl: string;
}

// The six steps of the practice loop in the product's own words (pick, plan, protect time, practise, share, decide).
const LOOP_STEPS = [
  { number: 1, name: 'Pick', what: 'a friction point in your week, an AI tool and the number it should move' },
  { number: 2, name: 'Plan', what: 'a hypothesis with a baseline and a target; your manager approves it' },
  { number: 3, name: 'Practise', what: 'two to three protected hours a week, booked in your calendar' },
  { number: 4, name: 'Note', what: 'a short weekly journal and the prompts or files worth reusing' },
  { number: 5, name: 'Share', what: 'what you learned, in one meeting with your colleagues' },
  { number: 6, name: 'Decide', what: 'together: scale it, try again, or stop — with an owner and a date' },
] as const;

export function renderWelcomeCard(data: WelcomeCardData): AdaptiveCardJson {
  return expandTemplate(template, { ...data, steps: LOOP_STEPS });
}
