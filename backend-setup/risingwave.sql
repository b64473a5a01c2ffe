-- Nurse Station: the streaming alert rules in RisingWave. Twin of the in-process engine in
-- shared/engine/ (parse-reading.ts, rules.ts, alert-engine.ts): same rules, same detail texts, same
-- alert ids. A change here needs the same change there, and the other way round.
--
-- Placeholders, substituted by backend-setup/setup.ts before anything runs (values with a single quote
-- must have it doubled, they land inside '...' literals):
--   ${KAFKA_BOOTSTRAP}   Kafka bootstrap servers, e.g. kafka:9092
--   ${WARD_TIME_ZONE}    IANA zone of the ward, e.g. Europe/Berlin: how measure_time without offset is read
--   ${MYSQL_JDBC_URL}    e.g. jdbc:mysql://mysql:3306/nurse_station?connectionTimeZone=UTC
--   ${MYSQL_USER}, ${MYSQL_PASSWORD}
-- Fixed names: the source reads topic vital_signs, the Kafka sink writes topic nurse_station_alerts
-- (backend:setup creates both, backend-setup/setup-steps.ts).
--
-- Statements: separated by a line that holds only "-- ;;". A naive split on ";" + newline gives the
-- same statements too (no other line ends in a semicolon), with some comment-only chunks to skip.
-- Every statement is idempotent (IF NOT EXISTS); run them in file order.
--
-- Needs RisingWave >= 2.8.0: both sinks at the end set ignore_delete on an upsert sink, which is
-- refused before that. The MySQL sink's target must be MySQL 8.0+ (see it and backend-setup/README.md).
-- Every statement passes the RisingWave dialect gate (electron/main/adapters/risingwave/
-- risingwave-sql-rules.ts, run by backend-setup/risingwave-dialect.spec.ts); docs/risingwave-compat.md
-- lists each construct with the RisingWave test or page that shows it is accepted.
--
-- What is not here: signal loss. A streaming query sees rows, not their absence, so the app raises
-- signal_loss itself in connected mode from patient_latest_vitals (AlertEngine.tick is its twin).
-- ;;

-- Raw device messages from Kafka. Twin: parseReading (shared/engine/parse-reading.ts).
-- The six fields are JSONB so that types are checked the way the TypeScript parser checks them:
-- RisingWave's JSON decoder would otherwise quietly turn "97" into 97 and 123 into '123'.
-- measure_time is either the demo's ward-local "YYYY-MM-DD HH:MM:SS.fff" or ISO-8601 with an offset;
-- 1-6 fraction digits, truncated to milliseconds like the engine. A local time skipped by a daylight
-- saving change fails the conversion (NULL, dropped); a repeated one is read as the later instant.
-- The watermark (5 s) drops readings more than 5 s behind the newest one seen: the engine's
-- lateToleranceMs. Difference: this watermark is one per source, the engine's horizon is per patient,
-- so keep the bedside devices' clocks synchronised (NTP).
-- scan.startup.mode 'latest': a new installation must not alert nurses about old, replayed readings.
CREATE SOURCE IF NOT EXISTS vital_signs (
  patient_id JSONB,
  device_id JSONB,
  measure_time JSONB,
  heart_rate JSONB,
  blood_oxygen JSONB,
  blood_glucose JSONB,
  event_time TIMESTAMPTZ AS CASE
    WHEN regexp_match(measure_time::varchar,
      '^"[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01]) ([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]{1,6})?"$')
      IS NOT NULL
    THEN date_trunc('milliseconds', btrim(measure_time::varchar, '"')::timestamp AT TIME ZONE '${WARD_TIME_ZONE}')
    WHEN regexp_match(measure_time::varchar,
      '^"[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]{1,6})?(Z|[+-](0[0-9]|1[0-3]):[0-5][0-9]|[+-]14:00)"$')
      IS NOT NULL
    THEN date_trunc('milliseconds', btrim(measure_time::varchar, '"')::timestamptz)
  END,
  ingest_time TIMESTAMPTZ AS PROCTIME(),
  WATERMARK FOR event_time AS event_time - INTERVAL '5' SECOND
) WITH (
  connector = 'kafka',
  topic = 'vital_signs',
  properties.bootstrap.server = '${KAFKA_BOOTSTRAP}',
  scan.startup.mode = 'latest'
) FORMAT PLAIN ENCODE JSON;
-- ;;

-- Per-patient limits; a patient without a row gets the ward defaults (vital_checks).
-- A NULL column falls back to its default alone.
CREATE TABLE IF NOT EXISTS patient_thresholds (
  patient_id VARCHAR PRIMARY KEY,
  heart_rate_min DOUBLE PRECISION,
  heart_rate_max DOUBLE PRECISION,
  blood_oxygen_min DOUBLE PRECISION,
  blood_glucose_min DOUBLE PRECISION,
  blood_glucose_max DOUBLE PRECISION,
  updated_at TIMESTAMPTZ,
  updated_by VARCHAR
);
-- ;;

-- Which patient lies in which bed of which ward: the stations' ward scoping. A table, not a
-- materialized view: its rows come from people (each station's Settings, by INSERT, UPDATE and
-- DELETE), not from the stream, and no streaming job reads it, so moving a patient changes only what
-- the stations' next batch queries return (ward_id = $1 joined on patient_id to patient_latest_vitals,
-- alerts and patient_vitals_1min) and never re-judges an alert. One row per bed, patient_id NULL for
-- an empty bed. RisingWave specifics the writers rely on (docs/risingwave-compat.md): an INSERT of an
-- existing bed_id overwrites that row instead of failing, an UPDATE cannot change bed_id, and a write
-- is seen by the next read only after FLUSH.
-- No index on ward_id: one row per bed is a few thousand rows at most, a scan per query is cheap, and
-- a RisingWave index is one more streaming job to keep.
CREATE TABLE IF NOT EXISTS ward_beds (
  bed_id VARCHAR PRIMARY KEY,
  ward_id VARCHAR,
  patient_id VARCHAR,
  updated_at TIMESTAMPTZ,
  updated_by VARCHAR
);
-- ;;

-- Validated readings. Twin: parseReading (shared/engine/parse-reading.ts): ids of 1-64 letters, digits,
-- _ . : - ; heart rate an integer 0-350; SpO2 0-100; glucose 0-60; JSON numbers only; measure_time a
-- real date from 2000 on and at most 1 day ahead of the time RisingWave reads it.
-- Difference: RisingWave matches JSON keys case-insensitively, the engine does not.
-- TIMESTAMP WITH TIME ZONE '...', not TIMESTAMPTZ '...': RisingWave's parser takes TYPE '...' only for
-- its keyword types, and timestamptz is not one of them.
CREATE VIEW IF NOT EXISTS vital_readings AS
SELECT
  patient_id,
  device_id,
  measure_time,
  heart_rate::int AS heart_rate,
  blood_oxygen,
  blood_glucose
FROM (
  SELECT
    CASE WHEN regexp_match(patient_id::varchar, '^"[A-Za-z0-9_.:-]{1,64}"$') IS NOT NULL
      THEN btrim(patient_id::varchar, '"') END AS patient_id,
    CASE WHEN regexp_match(device_id::varchar, '^"[A-Za-z0-9_.:-]{1,64}"$') IS NOT NULL
      THEN btrim(device_id::varchar, '"') END AS device_id,
    event_time AS measure_time,
    ingest_time,
    CASE WHEN jsonb_typeof(heart_rate) = 'number' THEN heart_rate::double precision END AS heart_rate,
    CASE WHEN jsonb_typeof(blood_oxygen) = 'number' THEN blood_oxygen::double precision END AS blood_oxygen,
    CASE WHEN jsonb_typeof(blood_glucose) = 'number' THEN blood_glucose::double precision END AS blood_glucose
  FROM vital_signs
) AS typed
WHERE patient_id IS NOT NULL
  AND device_id IS NOT NULL
  AND measure_time IS NOT NULL
  AND heart_rate BETWEEN 0 AND 350
  AND heart_rate = floor(heart_rate)
  AND blood_oxygen BETWEEN 0 AND 100
  AND blood_glucose BETWEEN 0 AND 60
  AND measure_time >= TIMESTAMP WITH TIME ZONE '2000-01-01 00:00:00+00:00'
  AND measure_time <= ingest_time + INTERVAL '1 day';
-- ;;

-- Readings with the limits that apply to them. Twin: AlertEngine.ingest's `s.custom ?? this.defaults`
-- (shared/engine/alert-engine.ts), defaults = DEFAULT_THRESHOLDS (shared/domain/types.ts).
-- A process-time temporal join, not a regular LEFT JOIN: editing a patient's limits then applies to
-- readings from now on, exactly like AlertEngine.setThresholds. A regular join would re-evaluate the
-- past on every edit, retracting alerts from the views the stations read (the MySQL sink ignores
-- deletes, see it, so MySQL would keep them, but the stations' feed and MySQL would disagree).
CREATE VIEW IF NOT EXISTS vital_checks AS
SELECT
  r.patient_id,
  r.device_id,
  r.measure_time,
  r.heart_rate,
  r.blood_oxygen,
  r.blood_glucose,
  COALESCE(t.heart_rate_min, 50) AS hr_min,
  COALESCE(t.heart_rate_max, 120) AS hr_max,
  COALESCE(t.blood_oxygen_min, 93) AS spo2_min,
  COALESCE(t.blood_glucose_min, 3.9) AS glucose_min,
  COALESCE(t.blood_glucose_max, 7.2) AS glucose_max
FROM vital_readings AS r
LEFT JOIN patient_thresholds FOR SYSTEM_TIME AS OF PROCTIME() AS t ON r.patient_id = t.patient_id;
-- ;;

-- Level 2, part 1: the first (earliest) reading of each patient's 10-minute window, epoch aligned.
-- Twin: AlertEngine.trendWindow (shared/engine/alert-engine.ts).
CREATE VIEW IF NOT EXISTS trend_firsts AS
SELECT patient_id, window_start, heart_rate AS first_hr, blood_oxygen AS first_spo2
FROM (
  SELECT
    patient_id,
    window_start,
    heart_rate,
    blood_oxygen,
    ROW_NUMBER() OVER (PARTITION BY patient_id, window_start ORDER BY measure_time, device_id) AS rn
  FROM TUMBLE(vital_readings, measure_time, INTERVAL '10 MINUTES') AS w
) AS ranked
WHERE rn = 1;
-- ;;

-- Level 2, part 2: readings where heart rate rose >= 20 bpm AND SpO2 fell >= 5 points since the
-- window's first reading. Twin: trendDeteriorated and trendDetail (shared/engine/rules.ts).
-- The SpO2 drop is printed rounded to 2 decimals (rules.ts round2).
-- Difference: if a late reading (within the watermark) becomes a window's new first reading, this view
-- re-judges the window's readings against it; the engine judges only readings still to come.
CREATE VIEW IF NOT EXISTS trend_checks AS
SELECT
  w.patient_id,
  w.device_id,
  w.measure_time,
  w.window_start,
  w.heart_rate,
  w.blood_oxygen,
  w.blood_glucose,
  'Heart rate increased by ' || (w.heart_rate - f.first_hr)::varchar
    || ' bpm and blood oxygen decreased by '
    || round((f.first_spo2 - w.blood_oxygen)::numeric, 2)::double precision::varchar
    || '% in 10 minutes' AS alert_detail
FROM TUMBLE(vital_readings, measure_time, INTERVAL '10 MINUTES') AS w
JOIN trend_firsts AS f ON w.patient_id = f.patient_id AND w.window_start = f.window_start
WHERE w.heart_rate - f.first_hr >= 20 AND f.first_spo2 - w.blood_oxygen >= 5;
-- ;;

-- All alerts, one row per (patient, alert type, bucket). Twin: AlertEngine.ingest
-- (shared/engine/alert-engine.ts), the detail texts in shared/engine/rules.ts.
-- Level 1: every abnormal vital of a reading is its own candidate (a value on a limit is normal);
--   bucket = its 30-second epoch-aligned window. Twins: heartRateAbnormal/heartRateDetail,
--   bloodOxygenAbnormal/bloodOxygenDetail, bloodGlucoseAbnormal/bloodGlucoseDetail.
-- Level 2: bucket = the 10-minute window, so it fires once per patient and window.
-- Dedup: ROW_NUMBER() = 1 keeps the earliest reading per (patient, type, bucket).
-- alert_id = md5('<patient_id>|<alert_type>|<bucket start in epoch seconds>'). Twin: alertId (rules.ts).
-- Difference: with out-of-order readings inside the watermark, this keeps the earliest measure_time
-- (rewriting the row, same alert_id), the engine the first one it received.
-- Grows with the number of alerts and has no retention filter on purpose: the stations read their
-- alert feed from here. A row that does leave it (a late reading becomes a 10-minute window's first reading
-- and a level-2 alert no longer holds, see trend_checks) is NOT deleted from MySQL nor from the Kafka
-- topic: both sinks ignore deletes (see them).
CREATE MATERIALIZED VIEW IF NOT EXISTS alerts AS
SELECT
  md5(patient_id || '|' || alert_type || '|' || extract(epoch FROM bucket)::bigint::varchar) AS alert_id,
  patient_id,
  device_id,
  measure_time AS alert_time,
  alert_type,
  alert_detail,
  alert_level,
  heart_rate,
  blood_oxygen,
  blood_glucose
FROM (
  SELECT
    patient_id,
    device_id,
    measure_time,
    bucket,
    alert_type,
    alert_detail,
    alert_level,
    heart_rate,
    blood_oxygen,
    blood_glucose,
    ROW_NUMBER() OVER (PARTITION BY patient_id, alert_type, bucket ORDER BY measure_time, device_id) AS rn
  FROM (
    SELECT
      c.patient_id, c.device_id, c.measure_time, c.window_start AS bucket,
      'heart_rate'::varchar AS alert_type,
      CASE WHEN c.heart_rate > c.hr_max THEN 'Heart rate too high: ' ELSE 'Heart rate too low: ' END
        || c.heart_rate::varchar || ' bpm' AS alert_detail,
      1 AS alert_level,
      c.heart_rate, c.blood_oxygen, c.blood_glucose
    FROM TUMBLE(vital_checks, measure_time, INTERVAL '30 SECONDS') AS c
    WHERE c.heart_rate < c.hr_min OR c.heart_rate > c.hr_max
    UNION ALL
    SELECT
      c.patient_id, c.device_id, c.measure_time, c.window_start AS bucket,
      'blood_oxygen'::varchar AS alert_type,
      'Blood oxygen too low: ' || c.blood_oxygen::varchar || '%' AS alert_detail,
      1 AS alert_level,
      c.heart_rate, c.blood_oxygen, c.blood_glucose
    FROM TUMBLE(vital_checks, measure_time, INTERVAL '30 SECONDS') AS c
    WHERE c.blood_oxygen < c.spo2_min
    UNION ALL
    SELECT
      c.patient_id, c.device_id, c.measure_time, c.window_start AS bucket,
      'blood_glucose'::varchar AS alert_type,
      CASE WHEN c.blood_glucose > c.glucose_max THEN 'Blood glucose too high: ' ELSE 'Blood glucose too low: ' END
        || c.blood_glucose::varchar || ' mmol/L' AS alert_detail,
      1 AS alert_level,
      c.heart_rate, c.blood_oxygen, c.blood_glucose
    FROM TUMBLE(vital_checks, measure_time, INTERVAL '30 SECONDS') AS c
    WHERE c.blood_glucose < c.glucose_min OR c.blood_glucose > c.glucose_max
    UNION ALL
    SELECT
      patient_id, device_id, measure_time, window_start AS bucket,
      'multi_vital_signs_deterioration'::varchar AS alert_type,
      alert_detail,
      2 AS alert_level,
      heart_rate, blood_oxygen, blood_glucose
    FROM trend_checks
  ) AS candidates
) AS ranked
WHERE rn = 1;
-- ;;

-- The newest reading per patient (bed tiles; the app's signal-loss check in connected mode).
-- Twin: the simulator adapter's latest reading per bed; AlertEngine keeps only its time (newest).
CREATE MATERIALIZED VIEW IF NOT EXISTS patient_latest_vitals AS
SELECT patient_id, device_id, measure_time, heart_rate, blood_oxygen, blood_glucose
FROM (
  SELECT
    patient_id,
    device_id,
    measure_time,
    heart_rate,
    blood_oxygen,
    blood_glucose,
    ROW_NUMBER() OVER (PARTITION BY patient_id ORDER BY measure_time DESC, device_id) AS rn
  FROM vital_readings
) AS ranked
WHERE rn = 1;
-- ;;

-- One-minute trend points (epoch-aligned): hr_min/hr_max int, every other value double precision.
-- Kept 7 days, the app's longest trend range, by a temporal filter on the output.
CREATE MATERIALIZED VIEW IF NOT EXISTS patient_vitals_1min AS
SELECT *
FROM (
  SELECT
    patient_id,
    window_start,
    min(heart_rate) AS hr_min,
    avg(heart_rate)::double precision AS hr_avg,
    max(heart_rate) AS hr_max,
    min(blood_oxygen) AS spo2_min,
    avg(blood_oxygen)::double precision AS spo2_avg,
    max(blood_oxygen) AS spo2_max,
    min(blood_glucose) AS glucose_min,
    avg(blood_glucose)::double precision AS glucose_avg,
    max(blood_glucose) AS glucose_max
  FROM TUMBLE(vital_readings, measure_time, INTERVAL '1 MINUTE') AS m
  GROUP BY patient_id, window_start
) AS per_minute
WHERE window_start > NOW() - INTERVAL '7 days';
-- ;;

-- Alerts into MySQL's `alerts` table, keyed by alert_id. The JDBC sink's MySQL dialect writes
-- INSERT ... ON DUPLICATE KEY UPDATE over the columns of this view only, so the nurses' handling
-- columns (status, handle_by, handle_time, handle_note) are never written: the MySQL table gives them
-- defaults (status 'pending'). An alert whose row changes (same alert_id) is updated in place.
--
-- ignore_delete = 'true': the sink never deletes. Without it an upsert JDBC sink turns every row that
-- leaves `alerts` into DELETE FROM alerts WHERE alert_id = ? (JDBCSink.write -> prepareDelete,
-- JdbcDialect.getDeleteStatement) and takes the nurses' handling with it. With it RisingWave's sink
-- executor drops DELETEs and the old half of UPDATEs and turns the new half into an INSERT
-- (src/stream/src/executor/sink.rs force_append_only), which this upsert sink still writes as
-- INSERT ... ON DUPLICATE KEY UPDATE, so a changed alert is still updated in place. Supported for
-- type = 'upsert' from RisingWave 2.8.0 (risingwave PR #24311). Not force_append_only with
-- type = 'append-only' (the health_care demo's): that writes plain INSERTs, and the first changed alert
-- fails on its duplicate key. A MySQL trigger cannot save the row either: it can refuse a DELETE only
-- by SIGNAL, which fails the sink.
--
-- Target: MySQL 8.0+. RisingWave's JDBC sink uses MySQL Connector/J, which reads MariaDB 10.x's
-- handshake version "5.5.5-10.x" as 5.5.5 and then drops fractional seconds (alert_time would arrive in
-- whole seconds); RisingWave bundles no MariaDB driver. Keep connectionTimeZone=UTC in the JDBC URL so
-- alert_time arrives unshifted.
-- No tcp.keepalive.* options: on a jdbc:mysql URL they make every connection fail (RisingWave passes
-- Connector/J a socket factory of the wrong interface), and RisingWave already sets tcpKeepAlive=true.
CREATE SINK IF NOT EXISTS alerts_mysql_sink FROM alerts
WITH (
  connector = 'jdbc',
  jdbc.url = '${MYSQL_JDBC_URL}',
  user = '${MYSQL_USER}',
  password = '${MYSQL_PASSWORD}',
  table.name = 'alerts',
  type = 'upsert',
  primary_key = 'alert_id',
  ignore_delete = 'true'
);
-- ;;

-- Alerts pushed into the Kafka topic nurse_station_alerts: the stations' sub-second path. A station
-- consumes the topic for new alerts (electron/main/adapters/kafka/kafka-alert-feed.ts) and still polls
-- `alerts` over SQL for the history and whenever Kafka is out of reach; MySQL stays the record of the
-- nurses' handling. One message per alert and per change of it, keyed by alert_id, the same rows the
-- MySQL sink writes.
--
-- Message (RisingWave's upsert JSON sink, docs/risingwave-compat.md has the sources and an example):
--   key    {"alert_id":"<32 hex digits>"}, a JSON object of the primary_key column
--   value  a JSON object of the view's ten columns, keys in alphabetical order, no spaces
--          varchar -> string, int -> number (135), double precision -> number written with a
--          fraction (97.0, 5.4), NULL -> null, alert_time -> "2026-12-07T10:00:12.345000Z" (UTC,
--          always 6 fraction digits, from timestamptz.handling.mode = 'utc_string')
-- The Kafka message has no headers, and its timestamp is the time of sending.
--
-- In FORMAT ... ENCODE JSON (...), not in WITH: with the FORMAT syntax RisingWave reads ignore_delete
-- (and type, force_append_only) only there and silently ignores them in WITH.
-- ignore_delete = 'true': never a tombstone (a message with the key and no value), as in MySQL. An
-- alert that leaves `alerts` (see the view) stays in the topic with its last value, a changed alert
-- is a new message with the same key (an upsert sink's UPDATE sends only the new row).
-- snapshot = 'false': the sink starts with the changes made after it was created. With the default it
-- would first push every alert already in the view, so adding it to a running installation would
-- hand the stations its whole history as new alerts.
-- properties.enable.idempotence = 'true': a retried send cannot land after a later one, so the last
-- message of a key, the one compaction keeps, is the alert's newest version.
-- The topic must exist before the sink writes: CREATE SINK only asks the broker for the topic's
-- metadata and does not look at the answer. backend:setup creates it with cleanup.policy
-- compact,delete (backend-setup/setup-steps.ts).
CREATE SINK IF NOT EXISTS alerts_kafka_sink FROM alerts
WITH (
  connector = 'kafka',
  properties.bootstrap.server = '${KAFKA_BOOTSTRAP}',
  topic = 'nurse_station_alerts',
  primary_key = 'alert_id',
  snapshot = 'false',
  properties.enable.idempotence = 'true'
) FORMAT UPSERT ENCODE JSON (
  timestamptz.handling.mode = 'utc_string',
  ignore_delete = 'true'
);
