import { Body1, Title2 } from '@fluentui/react-components';
import type { Session } from '../shared/session';

export function Dashboard({ session }: { session: Session }) {
  return (
    <main style={{ padding: 24 }}>
      <Title2 as="h1">Practice Loop</Title2>
      <Body1 as="p">Signed in {session.mode === 'dev' ? 'as a demo user' : 'through Teams'}.</Body1>
    </main>
  );
}
