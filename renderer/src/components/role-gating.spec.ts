// Role gating, rendered server-side: what a nurse and the charge nurse see on the threshold editor,
// the settings forms, the roster and the Audit screen. Locked forms say why; nothing is hidden silently.
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, describe, expect, it } from 'vitest';
import { createSSRApp, h, type Component } from 'vue';
import { renderToString } from 'vue/server-renderer';
import { DEFAULT_THRESHOLDS } from '../../../shared/domain/types';
import { BASE_SETTINGS, flush, mockSignedStation } from '../api/mock-station';
import { setStationApi } from '../api/station-api';
import AuditScreen from '../screens/audit-screen.vue';
import { useSettingsStore } from '../stores/settings';
import { useStationStore } from '../stores/station';
import ConnectionForm from './connection-form.vue';
import NotificationForm from './notification-form.vue';
import RosterEditor from './roster-editor.vue';
import SignInSettingsForm from './sign-in-settings-form.vue';
import ThresholdEditor from './threshold-editor.vue';
import WardBedsEditor from './ward-beds-editor.vue';

afterEach(() => setStationApi(null));

type Who = 'nurse' | 'charge' | null;

async function render(who: Who, component: Component, props: Record<string, unknown> = {}): Promise<string> {
  const station = mockSignedStation({ 'ward:beds-config': () => ({ ok: true, value: [] }) });
  setStationApi(station.api);
  const pinia = createPinia();
  setActivePinia(pinia);
  const s = useStationStore();
  if (who === 'nurse') await s.signIn('N1001', '1234');
  if (who === 'charge') await s.signIn('C1001', '9876');
  useSettingsStore().view = BASE_SETTINGS;
  await flush();
  const app = createSSRApp({ render: () => h(component, props) });
  app.use(pinia);
  return renderToString(app);
}

const thresholds = {
  thresholds: { patientId: 'P1', ...DEFAULT_THRESHOLDS, custom: false },
  save: async () => ({ ok: true }),
};
const FORMS: [string, Component, Record<string, unknown>][] = [
  ['threshold editor', ThresholdEditor, thresholds],
  ['connection form', ConnectionForm, { view: BASE_SETTINGS }],
  ['notification form', NotificationForm, { policy: BASE_SETTINGS.notifications }],
  ['sign-in settings', SignInSettingsForm, {}],
  ['ward beds editor', WardBedsEditor, { wardId: 'W7' }],
];

describe('role gating', () => {
  for (const [name, component, props] of FORMS) {
    it(`${name}: locked with "Charge nurse only" for a nurse and for nobody, open for the charge nurse`, async () => {
      const nurse = await render('nurse', component, props);
      expect(nurse).toContain('Charge nurse only');
      expect(nurse).toContain('Li Na is signed in as a nurse');
      expect(nurse).toMatch(/<fieldset class="gated" disabled/);
      const nobody = await render(null, component, props);
      expect(nobody).toContain('Charge nurse only');
      expect(nobody).toMatch(/Nobody is signed in/);
      const charge = await render('charge', component, props);
      expect(charge).not.toContain('Charge nurse only');
      expect(charge).toMatch(/<fieldset class="gated"(?! disabled)/);
    });
  }

  it('roster: a nurse sees why, not the list; the charge nurse sees members and "Add member"', async () => {
    const nurse = await render('nurse', RosterEditor);
    expect(nurse).toContain('Charge nurse only');
    expect(nurse).not.toContain('roster-row-');
    expect(nurse).not.toContain('data-testid="roster-add"');
    const charge = await render('charge', RosterEditor);
    expect(charge).not.toContain('Charge nurse only');
    expect(charge).toContain('data-testid="roster-add"');
  });

  it('audit screen: plain words for anyone but the charge nurse', async () => {
    const nurse = await render('nurse', AuditScreen);
    expect(nurse).toContain('Audit is for the charge nurse — sign in as charge nurse');
    expect(nurse).not.toContain('data-testid="audit-table"');
    const charge = await render('charge', AuditScreen);
    expect(charge).not.toContain('Audit is for the charge nurse');
    expect(charge).toContain('data-testid="audit-table"');
  });
});
