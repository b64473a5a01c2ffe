// #12 review: a station started with the alert store up loads the store's pending alerts.
import { describe, expect, it } from 'vitest';
import { alert, makeCore, Store, Vitals } from './review-fixtures';
import { NOBODY } from '../../support/nurses';

describe('start-up with the alert store up', () => {
  it('loads the pending level-2 alert raised while the station was down', async () => {
    const store = new Store();
    store.rows.set('a'.repeat(32), alert('a'.repeat(32), 'P001', { alertTime: 2_000_000 - 30_000 }));
    const vitals = new Vitals();
    const { core, shown } = await makeCore(store, vitals);
    await core.start();
    const beds = await core.handlers['ward:beds']({}, NOBODY);
    const summary = {
      pendingCalls: store.pendingCalls.length,
      unread: core.unreadCount(),
      state: beds[0]!.state,
      shown: shown.length,
    };
    await core.stop();
    // expected: pendingAlerts asked, the alert pending (tile critical), announced (30 s old < 2 min)
    expect(summary).toEqual({ pendingCalls: 1, unread: 1, state: 'critical', shown: 1 });
  });
});
