import template from './welcome.json';
import { LOOP_STEPS } from '../domain/loop';
import { expandTemplate, type AdaptiveCardJson } from './render';

export interface WelcomeCardData {
  readonly firstName: string;
  readonly nextStep: string;
  /** Deep link to the personal dashboard tab; empty when the app id is not configured (local Playground). */
  readonly dashboardUrl: string;
}

export function renderWelcomeCard(data: WelcomeCardData): AdaptiveCardJson {
  return expandTemplate(template, { ...data, steps: LOOP_STEPS.map(({ number, name, what }) => ({ number, name, what })) });
}
