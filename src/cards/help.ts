import template from './help.json';
import type { ChatCommand } from '../domain/commands';
import { expandTemplate, type AdaptiveCardJson } from './render';

export interface HelpCardData {
  readonly commands: readonly ChatCommand[];
}

export function renderHelpCard(data: HelpCardData): AdaptiveCardJson {
  return expandTemplate(template, data);
}
