import { createRoot } from 'react-dom/client';
import { SessionGate } from '../shared/session';
import { MeetingApp } from './MeetingApp';

createRoot(document.getElementById('root')!).render(
  <SessionGate>{(session) => <MeetingApp session={session} />}</SessionGate>,
);
