/**
 * The practice loop's six steps, in order: the welcome card, the kickoff card and the dashboard tab all list
 * these, so a renamed or reworded step changes everywhere at once.
 *   `name`  the step's label (the tab's step list, the cards' "1. Choose a tool")
 *   `what`  what happens in the step (the welcome card's "How a round works")
 *   `ask`   what the participant is asked to do in it (the kickoff card's "What we ask of you")
 */
export const LOOP_STEPS = [
  { number: 1, name: 'Choose a tool', what: 'a friction point in your week, an AI tool and the number it should move', ask: 'one task that slows you down, an AI tool to try on it, and the number it should move' },
  { number: 2, name: 'Set the outcome', what: 'a hypothesis with a baseline and a target; your manager approves it', ask: 'what you expect to change, from a baseline to a target; get your manager’s OK before you start' },
  { number: 3, name: 'Practise', what: 'two to three protected hours a week, booked in your calendar', ask: 'use the protected time on your real work' },
  { number: 4, name: 'Document', what: 'a short weekly journal and the prompts or files worth reusing', ask: 'a few lines a week: what worked, what broke, what surprised you' },
  { number: 5, name: 'Share back', what: 'what you learned, in one meeting with your colleagues', ask: 'what you learned at the shareback' },
  { number: 6, name: 'Decide', what: 'together: scale it, try again, or stop — with an owner and a date', ask: 'hear what happens next: scale it, try again, or stop, with an owner and a date' },
] as const;

export type LoopStep = (typeof LOOP_STEPS)[number];
