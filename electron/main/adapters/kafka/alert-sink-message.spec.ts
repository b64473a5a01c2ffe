import { describe, expect, it } from 'vitest';
import { buildIdentifierRule } from '../../../../shared/domain/identifiers';
import { HOSTILE_IDS } from '../../../../tests/support/hostile-ids';
import { decodeAlertSinkMessage as decodeAt, sinkTimestampMs } from './alert-sink-message';

import { alertId, bucketStart, trendWindowStart } from '../../../../shared/engine/rules';

const T = Date.UTC(2026, 11, 7, 10, 15, 19, 5);
const NOW = T + 1_000;
// the id the alerts view computes: md5(patient|type|bucket start in epoch seconds)
const ID = alertId('P002', 'heart_rate', bucketStart(T));
const key = Buffer.from(`{"alert_id":"${ID}"}`);

// A row of `alerts` as RisingWave v2.8.0's upsert JSON sink writes it with
// timestamptz.handling.mode = 'utc_string': keys in alphabetical order, a whole double as 92.0
// (docs/risingwave-compat.md has the sources).
const value = Buffer.from(
  `{"alert_detail":"Heart rate too high: 131 bpm","alert_id":"${ID}","alert_level":1,` +
    `"alert_time":"2026-12-07T10:15:19.005000Z","alert_type":"heart_rate","blood_glucose":5.4,` +
    `"blood_oxygen":92.0,"device_id":"D002","heart_rate":131,"patient_id":"P002"}`,
);

const decodeAlertSinkMessage = (k: Buffer | null, v: Buffer | null) => decodeAt(k, v, NOW);

describe('decodeAlertSinkMessage', () => {
  it('reads an upsert JSON message of the alerts view', () => {
    const decoded = decodeAlertSinkMessage(key, value);
    expect(decoded).toEqual({
      kind: 'alert',
      alert: {
        alertId: ID,
        patientId: 'P002',
        deviceId: 'D002',
        alertTime: T,
        alertType: 'heart_rate',
        alertDetail: 'Heart rate too high: 131 bpm',
        alertLevel: 1,
        status: 'pending',
        handleBy: null,
        handleTime: null,
        handleNote: null,
        reading: { heartRate: 131, bloodOxygen: 92, bloodGlucose: 5.4 },
      },
    });
  });

  it('takes a value without a key, and a level-2 deterioration alert', () => {
    const v = JSON.parse(value.toString()) as Record<string, unknown>;
    v.alert_level = 2;
    v.alert_type = 'multi_vital_signs_deterioration';
    v.alert_id = alertId('P002', 'multi_vital_signs_deterioration', trendWindowStart(T));
    const decoded = decodeAlertSinkMessage(null, Buffer.from(JSON.stringify(v)));
    expect(decoded.kind === 'alert' && decoded.alert.alertLevel).toBe(2);
  });

  it('refuses a forged alert: a real id with a demoted level, another time or another patient', () => {
    // A level-2 alert's id, sent early as level 1 and three minutes old, would be listed as backlog and
    // the genuine alert dropped as its duplicate.
    const v = JSON.parse(value.toString()) as Record<string, unknown>;
    v.alert_type = 'multi_vital_signs_deterioration';
    v.alert_id = alertId('P002', 'multi_vital_signs_deterioration', trendWindowStart(T));
    const demoted = { ...v, alert_level: 1 };
    const moved = { ...v, alert_level: 2, alert_time: '2026-12-07T09:00:00.000000Z' };
    const otherPatient = { ...v, alert_level: 2, patient_id: 'P003' };
    const future = { ...JSON.parse(value.toString()), alert_time: '2027-01-01T00:00:00.000000Z' };
    for (const forged of [demoted, moved, otherPatient, future]) {
      expect(decodeAlertSinkMessage(null, Buffer.from(JSON.stringify(forged))).kind).toBe('invalid');
    }
  });

  it('reads a tombstone (the row left the view) as nothing to do', () => {
    expect(decodeAlertSinkMessage(key, null)).toEqual({ kind: 'tombstone', alertId: ID });
    expect(decodeAlertSinkMessage(key, Buffer.alloc(0))).toEqual({ kind: 'tombstone', alertId: ID });
  });

  it.each([
    ['not JSON', Buffer.from('{"alert_id":'), /not JSON/],
    ['an array', Buffer.from('[]'), /not a JSON object/],
    ['a bad id', Buffer.from(value.toString().replace(ID, 'x')), /md5/],
    [
      'an id of another bucket',
      Buffer.from(value.toString().replace('10:15:19', '10:15:49')),
      /does not match/,
    ],
    ['an unknown type', Buffer.from(value.toString().replace('"heart_rate",', '"temp",')), /alert_type/],
    [
      'a string vital',
      Buffer.from(value.toString().replace('"heart_rate":131', '"heart_rate":"131"')),
      /vital/,
    ],
    ['a bad time', Buffer.from(value.toString().replace('2026-12-07T', '2026-02-30T')), /alert_time/],
  ])('refuses %s with a reason, never throws', (_what, bytes, reason) => {
    const decoded = decodeAlertSinkMessage(key, bytes);
    expect(decoded.kind).toBe('invalid');
    expect(decoded.kind === 'invalid' && decoded.reason).toMatch(reason);
  });

  describe('identifiers that could spoof a patient (issue #18)', () => {
    const withIds = (ids: Record<string, unknown>) =>
      Buffer.from(JSON.stringify({ ...(JSON.parse(value.toString()) as object), ...ids }));
    const hostile: [string, unknown][] = [
      ...HOSTILE_IDS.map(([name, v]): [string, unknown] => [name, v]),
      ['SQL', "P1'; DROP"],
    ];

    it.each(hostile)('refuses a patient_id with %s, with a displayable reason', (_name, patientId) => {
      const decoded = decodeAlertSinkMessage(key, withIds({ patient_id: patientId }));
      expect(decoded).toMatchObject({ kind: 'refused', alertId: ID, patientId, deviceId: 'D002' });
      expect(decoded.kind === 'refused' && decoded.reason).toMatch(/^patient_id [\x20-\x7e–…]*$/);
    });

    it.each(hostile.filter(([, v]) => v !== null && v !== ''))(
      'refuses a device_id with %s',
      (_name, deviceId) => {
        const decoded = decodeAlertSinkMessage(key, withIds({ device_id: deviceId }));
        expect(decoded).toMatchObject({ kind: 'refused', alertId: ID, deviceId });
        expect(decoded.kind === 'refused' && decoded.reason).toMatch(/^device_id /);
      },
    );

    it('takes an alert without a device (NULL or empty)', () => {
      for (const deviceId of [null, '']) {
        const decoded = decodeAlertSinkMessage(key, withIds({ device_id: deviceId }));
        expect(decoded.kind === 'alert' && decoded.alert.deviceId).toBe('');
      }
    });

    it("follows a hospital's pattern, still refusing a bidi override under it", () => {
      const rule = buildIdentifierRule('^(?:P[0-9]{3}|D[0-9]{3})$');
      expect(decodeAt(key, value, NOW, rule).kind).toBe('alert');
      expect(decodeAt(key, value, NOW, buildIdentifierRule('^MRN[0-9]{6}$')).kind).toBe('refused');
      const rlo = withIds({ patient_id: 'P\u202E02' });
      expect(decodeAt(key, rlo, NOW, buildIdentifierRule('.+'))).toMatchObject({
        kind: 'refused',
        reason: 'patient_id contains a bidirectional control character U+202E (got "P\\u{202E}02")',
      });
    });
  });

  it('refuses a value whose key names another alert', () => {
    const other = Buffer.from('{"alert_id":"ffffffffffffffffffffffffffffffff"}');
    expect(decodeAlertSinkMessage(key, value).kind).toBe('alert');
    expect(decodeAlertSinkMessage(other, value).kind).toBe('invalid');
  });

  it('refuses a message over 64 KiB without parsing it', () => {
    expect(decodeAlertSinkMessage(null, Buffer.alloc(70_000, 0x20)).kind).toBe('invalid');
  });
});

describe('sinkTimestampMs', () => {
  it.each([
    ['2026-12-07T10:15:19.005000Z', Date.UTC(2026, 11, 7, 10, 15, 19, 5)],
    ['2026-12-07 10:15:19.005000', Date.UTC(2026, 11, 7, 10, 15, 19, 5)], // utc_without_suffix
    ['2026-12-07T11:15:19.005+01:00', Date.UTC(2026, 11, 7, 10, 15, 19, 5)],
    ['2026-12-07T10:15:19Z', Date.UTC(2026, 11, 7, 10, 15, 19)],
    [Date.UTC(2026, 11, 7, 10, 15, 19, 5), Date.UTC(2026, 11, 7, 10, 15, 19, 5)], // milli
  ])('reads %s', (input, expected) => {
    expect(sinkTimestampMs(input)).toBe(expected);
  });

  it.each(['', 'yesterday', '2026-13-01T00:00:00Z', '2026-12-07T24:00:00Z', 1.5, null])(
    'refuses %s',
    (input) => {
      expect(sinkTimestampMs(input)).toBeNull();
    },
  );
});
