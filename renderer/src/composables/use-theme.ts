// Light / dark / system theme, kept in localStorage. Dark is the default: a ward at night.
import { computed, readonly, ref } from 'vue';

export type ThemeChoice = 'light' | 'dark' | 'system';
const KEY = 'nurse-station.theme';

function stored(): ThemeChoice {
  try {
    const v = localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' || v === 'system' ? v : 'dark';
  } catch {
    return 'dark';
  }
}

const choice = ref<ThemeChoice>(typeof window === 'undefined' ? 'dark' : stored());
const systemDark = ref(true);
let installed = false;

function apply(): void {
  if (typeof document === 'undefined') return;
  const effective = choice.value === 'system' ? (systemDark.value ? 'dark' : 'light') : choice.value;
  document.documentElement.dataset.theme = effective;
  document.documentElement.style.colorScheme = effective;
}

function install(): void {
  if (installed || typeof window === 'undefined') return;
  installed = true;
  const mq = window.matchMedia('(prefers-color-scheme: dark)');
  systemDark.value = mq.matches;
  mq.addEventListener('change', (e) => {
    systemDark.value = e.matches;
    apply();
  });
  apply();
}

export function useTheme() {
  install();
  const effective = computed(() =>
    choice.value === 'system' ? (systemDark.value ? 'dark' : 'light') : choice.value,
  );
  function setTheme(t: ThemeChoice): void {
    choice.value = t;
    try {
      localStorage.setItem(KEY, t);
    } catch {
      // private mode: the choice lasts for this session only
    }
    apply();
  }
  return { theme: readonly(choice), effective, setTheme };
}
