// Single-key shortcuts for triage. Keys typed into a field belong to the field, except Escape.
import { onBeforeUnmount, onMounted } from 'vue';

export type ShortcutMap = Record<string, (e: KeyboardEvent) => void>;

export function isTypingTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as HTMLElement).tagName !== 'string') return false;
  const el = target as HTMLElement;
  const tag = el.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable) return true;
  if (tag !== 'INPUT') return false;
  const type = (el as HTMLInputElement).type;
  return !['button', 'checkbox', 'radio', 'submit', 'reset', 'range'].includes(type);
}

/** Pure: which handler a key event should run, if any. */
export function shortcutFor(
  map: ShortcutMap,
  e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'target'>,
): ((e: KeyboardEvent) => void) | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  if (e.key !== 'Escape' && isTypingTarget(e.target)) return null;
  return map[e.key] ?? null;
}

export function useShortcuts(map: ShortcutMap, enabled: () => boolean = () => true): void {
  function onKey(e: KeyboardEvent): void {
    if (!enabled() || e.defaultPrevented) return;
    const handler = shortcutFor(map, e);
    if (!handler) return;
    e.preventDefault();
    handler(e);
  }
  onMounted(() => window.addEventListener('keydown', onKey));
  onBeforeUnmount(() => window.removeEventListener('keydown', onKey));
}
