import { useEffect, useState } from 'react';

export type Theme = 'light' | 'dark' | 'system';
const storageKey = 'keel.theme';

const readTheme = (): Theme => {
  const stored = window.localStorage.getItem(storageKey);
  return stored === 'light' || stored === 'dark' ? stored : 'system';
};

/** Light, dark, or the system's choice; applied as data-theme on <html>. */
export function useTheme(): [Theme, (theme: Theme) => void] {
  const [theme, setTheme] = useState<Theme>(readTheme);
  useEffect(() => {
    if (theme === 'system') {
      window.localStorage.removeItem(storageKey);
      delete document.documentElement.dataset.theme;
    } else {
      window.localStorage.setItem(storageKey, theme);
      document.documentElement.dataset.theme = theme;
    }
  }, [theme]);
  return [theme, setTheme];
}
