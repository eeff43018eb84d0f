import { Body1, Title2 } from '@fluentui/react-components';
import { createRoot } from 'react-dom/client';
import { SessionGate } from '../shared/session';

// Placeholder so the multi-page build has an entry; the meeting tab (issue 8) replaces this file.
createRoot(document.getElementById('root')!).render(
  <SessionGate>
    {() => (
      <main style={{ padding: 24 }}>
        <Title2 as="h1">Practice Loop shareback</Title2>
        <Body1 as="p">The running order and each person’s summary appear here during the round’s shareback meeting.</Body1>
      </main>
    )}
  </SessionGate>,
);
