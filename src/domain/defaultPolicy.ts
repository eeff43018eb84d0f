/**
 * The safe-use policy a new round starts with. Owners edit it per round (every edit is a new version that
 * participants acknowledge again). Plain text: one idea per line, "- " for list items, a blank line
 * between sections, so a card can show it line by line and the tab can show it as it is.
 */
export const DEFAULT_SAFE_USE_POLICY = [
  'Using AI tools safely during this practice round',
  '',
  'This round is for learning: you try an AI tool on your own work and see what happens. Nothing you produce while practising is graded. These rules protect you, our customers and the company while you experiment.',
  '',
  'What you may put into an AI tool',
  '- Your own drafts, notes and work material that is not confidential.',
  '- No personal data about customers or colleagues: no contact details, account numbers, health, HR or payment information. Remove or replace such details before you paste.',
  '- No confidential client material (contracts, pricing, unreleased plans, anything shared with us under an NDA) unless the tool is approved for that kind of data. If you are not sure, treat it as not approved.',
  '- Never passwords, API keys, access tokens, connection strings or any other secret.',
  '',
  'Before you use what comes back',
  '- Check every output yourself: facts, figures, names, links and code can be wrong while sounding certain.',
  '- You stay responsible for anything you send, publish or ship.',
  '- Say when AI helped with work that other people will rely on.',
  '',
  'Which tools',
  "- Use a tool from this round's list, signed in with your work account where it offers one.",
  '- Want to try a tool that is not listed? Name it in your plan and ask your manager before you use it with work material.',
  "- Accept the tool's own terms of use as well as this policy.",
  '',
  'If something goes wrong',
  '- If you shared something you should not have, or a tool behaves in a way that worries you, tell your manager and the programme owner the same day. Raising it early is always right, and nobody is blamed for it.',
].join('\n');
