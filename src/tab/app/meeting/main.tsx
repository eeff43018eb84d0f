import { createRoot } from 'react-dom/client';
import { SessionGate } from '../common/session';
import { MeetingApp } from './MeetingApp';

createRoot(document.getElementById('root')!).render(
  <SessionGate>{(session) => <MeetingApp session={session} />}</SessionGate>,
);
