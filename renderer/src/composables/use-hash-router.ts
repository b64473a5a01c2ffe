// A tiny hash router: no router package is installed and seven screens do not need one.
// Routes: #/ (ward), #/alerts, #/alerts/<alertId>, #/patients/<patientId>, #/statistics, #/review,
// #/audit, #/settings.
import { readonly, shallowRef } from 'vue';

export type ScreenName = 'ward' | 'alerts' | 'patient' | 'statistics' | 'review' | 'audit' | 'settings';

export interface Route {
  screen: ScreenName;
  params: { alertId?: string; patientId?: string };
  path: string;
}

const SIMPLE: Record<string, ScreenName> = {
  '': 'ward',
  ward: 'ward',
  alerts: 'alerts',
  statistics: 'statistics',
  review: 'review',
  audit: 'audit',
  settings: 'settings',
};

function decode(part: string): string | null {
  try {
    const v = decodeURIComponent(part);
    return v.length > 0 && v.length <= 64 ? v : null;
  } catch {
    return null;
  }
}

/** Pure: '#/patients/bed-7' → { screen: 'patient', params: { patientId: 'bed-7' } }. Unknown paths → ward. */
export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const path = (raw.split('?')[0] ?? '').replace(/^\/+|\/+$/g, '');
  const [head = '', second, ...rest] = path.split('/');
  const ward: Route = { screen: 'ward', params: {}, path: '/' };
  if (rest.length > 0) return ward;
  if (second === undefined) {
    const screen = SIMPLE[head];
    return screen ? { screen, params: {}, path: `/${head}` } : ward;
  }
  const id = decode(second);
  if (!id) return ward;
  if (head === 'alerts') return { screen: 'alerts', params: { alertId: id }, path: `/alerts/${second}` };
  if (head === 'patients')
    return { screen: 'patient', params: { patientId: id }, path: `/patients/${second}` };
  return ward;
}

export function pathFor(screen: ScreenName, id?: string): string {
  switch (screen) {
    case 'ward':
      return '/';
    case 'alerts':
      return id ? `/alerts/${encodeURIComponent(id)}` : '/alerts';
    case 'patient':
      return `/patients/${encodeURIComponent(id ?? '')}`;
    default:
      return `/${screen}`;
  }
}

const current = shallowRef<Route>(parseHash(typeof window !== 'undefined' ? window.location.hash : ''));
let installed = false;

function install(): void {
  if (installed || typeof window === 'undefined') return;
  installed = true;
  window.addEventListener('hashchange', () => {
    current.value = parseHash(window.location.hash);
  });
}

export function navigate(path: string, opts: { replace?: boolean } = {}): void {
  if (typeof window === 'undefined') {
    current.value = parseHash(`#${path}`);
    return;
  }
  if (opts.replace) {
    window.history.replaceState(window.history.state, '', `#${path}`);
    current.value = parseHash(window.location.hash);
  } else if (window.location.hash === `#${path}`) {
    current.value = parseHash(window.location.hash);
  } else {
    window.location.hash = path;
  }
}

export function useHashRouter() {
  install();
  return { route: readonly(current), navigate, pathFor };
}
