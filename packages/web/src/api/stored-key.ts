// The API key the browser signed in with. Kept in localStorage so that new tabs stay signed in;
// signing out removes it.
const storageKey = 'keel.apiKey';

export function loadStoredKey(): string | null {
  return window.localStorage.getItem(storageKey);
}

export function storeKey(apiKey: string): void {
  window.localStorage.setItem(storageKey, apiKey);
}

export function forgetStoredKey(): void {
  window.localStorage.removeItem(storageKey);
}
