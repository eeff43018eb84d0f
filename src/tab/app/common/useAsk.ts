import { useState } from 'react';
import { messageOf } from './api';

/**
 * One request a person makes by pressing a button (ask the coach, ask the library): busy while it runs, then its
 * answer, or a problem to show in place of it. A new ask clears the last problem and keeps the last answer on screen
 * until the new one arrives; `dismiss` puts the answer away (used, or not wanted).
 */
export function useAsk<T>(): { readonly answer: T | null; readonly problem: string | null; readonly busy: boolean; ask(request: () => Promise<T>): Promise<void>; dismiss(): void } {
  const [answer, setAnswer] = useState<T | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function ask(request: () => Promise<T>) {
    setBusy(true);
    setProblem(null);
    try {
      setAnswer(await request());
    } catch (error) {
      setProblem(messageOf(error));
    } finally {
      setBusy(false);
    }
  }
  return { answer, problem, busy, ask, dismiss: () => setAnswer(null) };
}
