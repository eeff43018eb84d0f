import { FluentProvider, teamsDarkTheme, teamsHighContrastTheme, teamsLightTheme, type Theme } from '@fluentui/react-components';
import { useEffect, useState, type ReactNode } from 'react';
import { normaliseTheme, type TeamsHost, type TeamsTheme } from './teams';

/**
 * Fluent's Teams themes, following Teams: the context's theme at start, then every theme change Teams reports.
 * Outside Teams: `?theme=dark|contrast` (for demos and tests), else the browser's forced-colors / dark preference.
 */
const themes: Record<TeamsTheme, Theme> = { default: teamsLightTheme, dark: teamsDarkTheme, contrast: teamsHighContrastTheme };

function browserTheme(): TeamsTheme {
  const requested = new URLSearchParams(window.location.search).get('theme');
  if (requested) return normaliseTheme(requested);
  if (window.matchMedia?.('(forced-colors: active)').matches) return 'contrast';
  if (window.matchMedia?.('(prefers-color-scheme: dark)').matches) return 'dark';
  return 'default';
}

export function useTeamsTheme(host: TeamsHost | null | undefined): TeamsTheme {
  const [theme, setTheme] = useState<TeamsTheme>(() => (host ? normaliseTheme(host.context.app.theme) : browserTheme()));
  useEffect(() => {
    if (!host) return;
    setTheme(normaliseTheme(host.context.app.theme));
    host.onThemeChange(setTheme);
  }, [host]);
  return theme;
}

export function ThemedApp({ theme, children }: { theme: TeamsTheme; children: ReactNode }) {
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    document.body.style.margin = '0';
    document.body.style.background = themes[theme].colorNeutralBackground2;
  }, [theme]);
  return (
    <FluentProvider theme={themes[theme]} style={{ minHeight: '100vh', background: themes[theme].colorNeutralBackground2 }} data-theme={theme}>
      {children}
    </FluentProvider>
  );
}
