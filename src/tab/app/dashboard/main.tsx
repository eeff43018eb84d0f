import { createRoot } from 'react-dom/client';
import { SessionGate } from '../common/session';
import { Dashboard } from './Dashboard';

createRoot(document.getElementById('root')!).render(
  <SessionGate>{(session) => <Dashboard session={session} />}</SessionGate>,
);
