import { ActionPlanner, GPTTokenizer, PromptManager, type TurnState } from '@microsoft/teams-ai';
import type { Logger } from '../../logging';
import { defaultPromptsFolder } from './modelCoach';
import { createRecordedOpenAIModel, type RecordedModel, type ModelSettings } from './openAIModel';

/**
 * Natural chat on the tenant's model: teams-ai's `ActionPlanner` over the same `OpenAIModel` settings as the
 * coach, with the prompt template `src/prompts/chat` (system prompt, `config.json` with the tools augmentation,
 * `actions.json` listing the app's commands and cards as actions). The model answers with a call of one action
 * (an OpenAI tool call); the bot registers one `app.ai.action(...)` handler per action (src/bot/handlers/chat.ts).
 * The planner is not asked to repair answers: anything it cannot map becomes the help card at once.
 */
export interface ChatPlannerOptions extends ModelSettings {
  readonly logger: Logger;
  /** Where the prompt templates are; defaults to src/prompts. */
  readonly promptsFolder?: string;
}

export interface ChatPlanner {
  readonly planner: ActionPlanner<TurnState>;
  readonly recording: RecordedModel['recording'];
  readonly logger: Logger;
}

/** The prompt template the planner uses (a folder under src/prompts). */
export const CHAT_PROMPT = 'chat';

export function createChatPlanner(options: ChatPlannerOptions): ChatPlanner {
  const { model, recording } = createRecordedOpenAIModel(options);
  const planner = new ActionPlanner<TurnState>({
    model,
    prompts: new PromptManager({ promptsFolder: options.promptsFolder ?? defaultPromptsFolder() }),
    defaultPrompt: CHAT_PROMPT,
    tokenizer: new GPTTokenizer(),
    max_repair_attempts: 0,
    logRepairs: false,
  });
  return { planner, recording, logger: options.logger };
}
