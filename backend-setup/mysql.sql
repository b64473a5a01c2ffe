-- Nurse Station: the alert store (MySQL 8.0+ or MariaDB 10.6+), InnoDB, utf8mb4.
--
-- Idempotent: every table is CREATE TABLE IF NOT EXISTS and every trigger is dropped and re-created, so
-- running this file again is safe. It alters an existing table in one place only: the audit chain's
-- columns are added to an `alert_events` of an earlier setup of this file (see below). If an older
-- `alerts` table (for instance the health_care demo's) is already there, the setup command reports the
-- missing columns instead of silently running against it.
--
-- Statement separator: a semicolon at the END OF A LINE. No statement has such a semicolon inside it
-- and no comment line ends with one, so splitting the text on /;[ \t]*\r?\n/ (or simply ";\n") and
-- dropping comment-only pieces gives one statement per piece. Trigger bodies are single statements
-- (no BEGIN ... END), so no DELIMITER command is needed.
--
-- Times are UTC, DATETIME(3) (milliseconds). DATETIME, not TIMESTAMP: TIMESTAMP ends in 2038 and is
-- converted through the session time zone. The app's sessions run with time_zone '+00:00'.
--
-- The app's account needs only SELECT, INSERT, UPDATE on alerts, SELECT, INSERT on alert_events (the
-- audit is append-only), SELECT, INSERT, UPDATE on audit_chain_heads and nurse_roster, and SELECT on
-- alert_counts_hourly, alert_patients and nurse_station_schema. RisingWave's sink account
-- needs SELECT, INSERT, UPDATE on alerts (triggers run with their definer's rights). Creating the
-- triggers needs the TRIGGER privilege and, where binary logging is on, SUPER or
-- log_bin_trust_function_creators = 1.

CREATE TABLE IF NOT EXISTS alerts (
  -- Ids and the type are case- and byte-exact (utf8mb4_bin): compared, grouped and ordered exactly as the
  -- app's SQLite store does, which keeps keyset pagination and the reports identical in both adapters.
  alert_id       VARCHAR(64)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  patient_id     VARCHAR(64)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  device_id      VARCHAR(64)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  alert_time     DATETIME(3)  NOT NULL COMMENT 'UTC: the reading that raised it, or when signal loss was detected',
  alert_type     VARCHAR(64)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  alert_detail   VARCHAR(255) NULL,
  -- 1 = warning, 2 = critical. No CHECK constraint on purpose: a sink row must never be refused.
  alert_level    TINYINT      NOT NULL,
  heart_rate     INT          NULL,
  blood_oxygen   DOUBLE       NULL,
  blood_glucose  DOUBLE       NULL,
  -- Handling columns: written only by the app's conditional transition, never by the RisingWave sink.
  -- The sink is an upsert sink that names only alert_id .. blood_glucose, so replays and updates of an
  -- alert keep who handled it.
  status         ENUM('pending', 'confirmed', 'resolved') NOT NULL DEFAULT 'pending',
  handle_by      VARCHAR(80)  NULL COMMENT 'nurse of the latest transition',
  handle_station VARCHAR(64)  NULL COMMENT 'station of the latest transition',
  handle_time    DATETIME(3)  NULL COMMENT 'UTC: time of the latest transition',
  handle_note    VARCHAR(1000) NULL COMMENT 'note of the latest transition',
  -- When the alert first left pending (first confirm, or a direct resolve). handle_time moves on when a
  -- confirmed alert is resolved; ack_time does not, so time-to-acknowledge and "pending 10 minutes ago"
  -- stay exact.
  ack_time       DATETIME(3)  NULL COMMENT 'UTC: when it first left pending',
  version        INT          NOT NULL DEFAULT 0 COMMENT 'bumped by every applied transition',
  created_at     DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3) COMMENT 'first written (session time zone)',
  PRIMARY KEY (alert_id),
  -- Alert list, unfiltered (the default view), and any filter the others do not serve: WHERE alert_time >= ?
  -- [AND alert_time <= ? AND (alert_time < ? OR alert_id < ?)] ORDER BY alert_time DESC, alert_id DESC
  -- LIMIT n. InnoDB appends the primary key to every secondary index, so (alert_time) is physically
  -- (alert_time, alert_id): the keyset scan walks it backwards and stops after n rows, no filesort.
  -- The patient search is a case-insensitive substring match, which no index can seek; it rides this scan.
  KEY ix_alerts_time (alert_time, alert_id),
  -- Status filter (e.g. "pending only") and pendingAlerts(): equality on status, then the same
  -- (alert_time, alert_id) order, so the filtered list is still a bounded backward index scan.
  KEY ix_alerts_status_time (status, alert_time),
  -- Level filter ("critical only"), same reasoning.
  KEY ix_alerts_level_time (alert_level, alert_time),
  -- Status and level together (e.g. "pending critical"): both equalities, then the same order. Without it the
  -- status index is walked and every row looked up to test the level: 22,000 lookups (~150 ms) for the
  -- week's pending alerts of a 1,000,000-alert table, against ~2 ms with it (docs/performance.md).
  KEY ix_alerts_status_level_time (status, alert_level, alert_time),
  -- patientAlerts(patient, range): one patient's recent alerts, equality then range then order.
  KEY ix_alerts_patient_time (patient_id, alert_time),
  -- Statistic cards and the alert-burden report scan every alert of the time range and read only these
  -- columns: covering them makes those scans index-only instead of one primary-key lookup per alert.
  KEY ix_alerts_time_cover (alert_time, alert_level, status, ack_time, alert_type, patient_id),
  -- "Pending 10 minutes ago" on the statistic cards: the alerts acknowledged in the last 10 minutes.
  KEY ix_alerts_ack_time (ack_time, alert_time)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci
  COMMENT = 'Vital-sign alerts (RisingWave sink) and who handled them (Nurse Station)';

-- The statistic cards count every alert of the chosen range (up to 7 days) by level and status. Counting
-- the alerts themselves is a scan of the whole range (≈120 ms for a day, >1 s for a week of a
-- 1,000,000-alert table); these per-hour counts, kept exact by the triggers below, make it a sum of at
-- most 169 × 6 rows plus one partial hour read from ix_alerts_time_cover (docs/performance.md).
-- The setup command rebuilds them from `alerts` after (re)creating the triggers, under a table lock, so
-- alerts written by the sink while the triggers were being replaced are never miscounted.
CREATE TABLE IF NOT EXISTS alert_counts_hourly (
  hour_start  DATETIME     NOT NULL COMMENT 'UTC: the hour of alert_time',
  alert_level TINYINT      NOT NULL,
  status      ENUM('pending', 'confirmed', 'resolved') NOT NULL,
  n           INT          NOT NULL,
  PRIMARY KEY (hour_start, alert_level, status)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci
  COMMENT = 'Alerts per hour, level and status: derived from alerts by triggers, never written otherwise';

-- The patient search matches a substring of the patient id, which no index of `alerts` can seek; it is
-- matched against this list of the ids that have alerts instead (a few hundred rows), then the alerts are
-- read by patient (ix_alerts_patient_time). Kept by a trigger on insert, rebuilt with the counts.
CREATE TABLE IF NOT EXISTS alert_patients (
  patient_id VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  PRIMARY KEY (patient_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci
  COMMENT = 'Every patient_id found in alerts: derived by a trigger, never written otherwise';

CREATE TABLE IF NOT EXISTS alert_events (
  event_id    BIGINT       NOT NULL AUTO_INCREMENT,
  alert_id    VARCHAR(64)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  action      ENUM('confirm', 'resolve') NOT NULL,
  -- Status found when the attempt was made (NULL: the alert was not in the store yet) and the status the
  -- action asks for. Whether it got there is `outcome`.
  from_status ENUM('pending', 'confirmed', 'resolved') NULL,
  to_status   ENUM('pending', 'confirmed', 'resolved') NOT NULL,
  outcome     ENUM('applied', 'conflict', 'not_found') NOT NULL,
  nurse       VARCHAR(80)  NOT NULL,
  station_id  VARCHAR(64)  NOT NULL,
  note        VARCHAR(1000) NULL,
  event_time  DATETIME(3)  NOT NULL COMMENT 'UTC: when the nurse acted (may precede recorded_at for queued acks)',
  recorded_at DATETIME(3)  NOT NULL COMMENT 'UTC: when the store wrote this row',
  message     VARCHAR(255) NULL COMMENT 'what the station was told, e.g. who handled it first',
  -- The hash chain (electron/main/core/audit-chain.ts): each row the app writes carries the hash of the
  -- app's row before it, so an edited, removed or inserted row is found by `nurse-station audit verify`.
  -- NULL in rows written before the chain, and in rows written by the trigger below for a status changed
  -- outside Nurse Station. Last in the table, as the migration below adds them to an older table.
  nurse_id    VARCHAR(64)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL COMMENT 'roster identifier of the nurse',
  prev_hash   CHAR(64)     CHARACTER SET ascii COLLATE ascii_bin NULL COMMENT 'row_hash of the previous chained row',
  row_hash    CHAR(64)     CHARACTER SET ascii COLLATE ascii_bin NULL COMMENT 'sha256(prev_hash, this row), hex',
  PRIMARY KEY (event_id),
  -- An alert's audit trail, in order.
  KEY ix_alert_events_alert (alert_id, event_time)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci
  COMMENT = 'Append-only audit of every acknowledgement attempt';

-- An alert_events of an earlier setup lacks the chain's columns: add those missing. MySQL has no ADD
-- COLUMN IF NOT EXISTS (MariaDB's is not MySQL's), so the statement is built from information_schema and
-- run as a prepared statement; with nothing missing it is DO 0. Adding NULL columns at the end of the
-- table is instant on MySQL 8 and MariaDB 10.4+. Existing rows keep NULL: they predate the chain.
SET @ns_chain_columns = (SELECT CONCAT_WS(', ',
    IF(SUM(COLUMN_NAME = 'nurse_id') = 0,
       'ADD COLUMN nurse_id VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL', NULL),
    IF(SUM(COLUMN_NAME = 'prev_hash') = 0,
       'ADD COLUMN prev_hash CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL', NULL),
    IF(SUM(COLUMN_NAME = 'row_hash') = 0,
       'ADD COLUMN row_hash CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL', NULL))
  FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'alert_events');

SET @ns_chain_migration = IF(@ns_chain_columns = '', 'DO 0', CONCAT('ALTER TABLE alert_events ', @ns_chain_columns));

PREPARE ns_chain_migration FROM @ns_chain_migration;

EXECUTE ns_chain_migration;

DEALLOCATE PREPARE ns_chain_migration;

-- The head of each hash chain: the last chained row (seq = its event_id) and its hash. A station writing
-- an audit row locks this row (SELECT ... FOR UPDATE) in the transaction of its INSERT, so stations
-- writing at once are put in one order and the chain never forks. The verifier compares it with the
-- last row, so removing the newest rows shows too. seq 0 and 64 zeros: nothing chained yet.
CREATE TABLE IF NOT EXISTS audit_chain_heads (
  chain_name VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  seq        BIGINT       NOT NULL,
  head_hash  CHAR(64)     CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  PRIMARY KEY (chain_name)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci
  COMMENT = 'Last row of each audit hash chain (written with the row, in its transaction)';

INSERT IGNORE INTO audit_chain_heads (chain_name, seq, head_hash) VALUES ('alert_events', 0, REPEAT('0', 64));

-- The ward's roster in connected mode: who may sign in at the stations, and as what. Shared by every
-- station of the hospital, written by a charge nurse (Settings, Roster) or by IT (`nurse-station roster
-- set`). The identifier is what the nurse types or her badge reader sends, compared byte for byte
-- (utf8mb4_bin). The PIN is kept only as its slow salted hash (scrypt, electron/main/core/pin-hash.ts).
-- Members are deactivated, never deleted: the audit keeps naming them.
CREATE TABLE IF NOT EXISTS nurse_roster (
  nurse_id     VARCHAR(64)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  display_name VARCHAR(80)  NOT NULL COMMENT 'the name the audit records',
  role         ENUM('nurse', 'charge') NOT NULL COMMENT 'charge: may also change thresholds, the roster and settings',
  active       TINYINT(1)   NOT NULL DEFAULT 1 COMMENT '0: may no longer sign in',
  pin_hash     VARCHAR(255) NOT NULL COMMENT 'slow salted hash of the PIN, never the PIN',
  updated_at   DATETIME(3)  NOT NULL COMMENT 'UTC: last change',
  PRIMARY KEY (nurse_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci
  COMMENT = 'Who may sign in at the stations (connected mode)';

-- Triggers are replaced with the tables locked, so no statement runs between a DROP TRIGGER and its
-- CREATE TRIGGER: an acknowledgement applied in that instant would have no audit row. (The setup runs
-- this file on one connection; the locks last until UNLOCK TABLES below.)
LOCK TABLES alerts WRITE, alert_events WRITE, alert_counts_hourly WRITE, alert_patients WRITE;

-- The audit is append-only: refuse UPDATE and DELETE whoever asks. An archiving job that must remove old
-- rows drops these triggers for the duration (TRUNCATE is not affected by them).
DROP TRIGGER IF EXISTS alert_events_no_update;

CREATE TRIGGER alert_events_no_update BEFORE UPDATE ON alert_events FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'alert_events is append-only: rows cannot be updated';

DROP TRIGGER IF EXISTS alert_events_no_delete;

CREATE TRIGGER alert_events_no_delete BEFORE DELETE ON alert_events FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'alert_events is append-only: rows cannot be deleted';

-- Keep alert_counts_hourly exact. The sink's upsert of an existing alert fires the UPDATE triggers, and
-- they move a count only when the hour, level or status changed (a late reading can move an alert's
-- time; a nurse's transition changes its status). One statement per trigger (see the header): the
-- UPDATE case is a decrement and an increment, each guarded by the same "something changed" test.
DROP TRIGGER IF EXISTS alerts_count_insert;

CREATE TRIGGER alerts_count_insert AFTER INSERT ON alerts FOR EACH ROW
  INSERT INTO alert_counts_hourly (hour_start, alert_level, status, n)
  VALUES (DATE_FORMAT(NEW.alert_time, '%Y-%m-%d %H:00:00'), NEW.alert_level, NEW.status, 1)
  ON DUPLICATE KEY UPDATE n = n + 1;

DROP TRIGGER IF EXISTS alerts_patient_insert;

CREATE TRIGGER alerts_patient_insert AFTER INSERT ON alerts FOR EACH ROW
  INSERT IGNORE INTO alert_patients (patient_id) VALUES (NEW.patient_id);

DROP TRIGGER IF EXISTS alerts_count_update_old;

CREATE TRIGGER alerts_count_update_old AFTER UPDATE ON alerts FOR EACH ROW
  UPDATE alert_counts_hourly SET n = n - 1
   WHERE hour_start = DATE_FORMAT(OLD.alert_time, '%Y-%m-%d %H:00:00')
     AND alert_level = OLD.alert_level AND status = OLD.status
     AND NOT (DATE_FORMAT(OLD.alert_time, '%Y-%m-%d %H') = DATE_FORMAT(NEW.alert_time, '%Y-%m-%d %H')
              AND OLD.alert_level = NEW.alert_level AND OLD.status = NEW.status);

DROP TRIGGER IF EXISTS alerts_count_update_new;

CREATE TRIGGER alerts_count_update_new AFTER UPDATE ON alerts FOR EACH ROW
  INSERT INTO alert_counts_hourly (hour_start, alert_level, status, n)
  SELECT DATE_FORMAT(NEW.alert_time, '%Y-%m-%d %H:00:00'), NEW.alert_level, NEW.status, 1 FROM DUAL
   WHERE NOT (DATE_FORMAT(OLD.alert_time, '%Y-%m-%d %H') = DATE_FORMAT(NEW.alert_time, '%Y-%m-%d %H')
              AND OLD.alert_level = NEW.alert_level AND OLD.status = NEW.status)
  ON DUPLICATE KEY UPDATE n = alert_counts_hourly.n + 1;

DROP TRIGGER IF EXISTS alerts_count_delete;

CREATE TRIGGER alerts_count_delete AFTER DELETE ON alerts FOR EACH ROW
  UPDATE alert_counts_hourly SET n = n - 1
   WHERE hour_start = DATE_FORMAT(OLD.alert_time, '%Y-%m-%d %H:00:00')
     AND alert_level = OLD.alert_level AND status = OLD.status;

-- Every change of an alert's status has its audit row, in the same transaction as the change. This app
-- writes its own rows, hash-chained, and says so to the trigger with the session variable
-- @nurse_station_audit_chained = 1 (set on each of its connections): the trigger then writes nothing for
-- any status change made on that connection, whatever by_app says (two stations acting in the same
-- millisecond leave handle_time unchanged, and the app has written its row for that too). A station of an
-- earlier version (schema version 2) does not set it: the trigger writes its row, as before, unchained. The app's transitions always set a new handle_time (the nurse's
-- action), and the row names that nurse, station and note. A status changed without it (an
-- administrator's UPDATE) is recorded under the database account that made it, at the time it was made,
-- with a message saying so; a status moved back to pending is not an acknowledgement and is not recorded.
-- Attempts that change nothing (a conflict, an alert not in the store yet) are written by the app.
DROP TRIGGER IF EXISTS alerts_audit_transition;

CREATE TRIGGER alerts_audit_transition AFTER UPDATE ON alerts FOR EACH ROW
  INSERT INTO alert_events (alert_id, action, from_status, to_status, outcome, nurse, station_id, note,
      event_time, recorded_at, message)
  SELECT NEW.alert_id, IF(NEW.status = 'confirmed', 'confirm', 'resolve'), OLD.status, NEW.status, 'applied',
      IF(by_app, NEW.handle_by, LEFT(USER(), 80)), IF(by_app, NEW.handle_station, ''),
      IF(by_app, NEW.handle_note, NULL), IF(by_app, NEW.handle_time, UTC_TIMESTAMP(3)), UTC_TIMESTAMP(3),
      IF(by_app, NULL, 'status changed outside Nurse Station')
    FROM (SELECT NEW.handle_by IS NOT NULL AND NEW.handle_station IS NOT NULL AND NEW.handle_time IS NOT NULL
                 AND NOT (NEW.handle_time <=> OLD.handle_time) AS by_app) w
   WHERE NEW.status <> OLD.status AND NEW.status IN ('confirmed', 'resolved')
     AND NOT (@nurse_station_audit_chained <=> 1);

UNLOCK TABLES;

-- Which version of this file the database was last set up with. The app reads it and refuses to record
-- acknowledgements against an older one (for instance without the audit trigger above), saying to run
-- the setup again. Bump it whenever the app comes to depend on something new in this file.
CREATE TABLE IF NOT EXISTS nurse_station_schema (
  id         TINYINT     NOT NULL DEFAULT 1,
  version    INT         NOT NULL,
  applied_at DATETIME(3) NOT NULL COMMENT 'UTC: when the setup last ran',
  PRIMARY KEY (id),
  CONSTRAINT nurse_station_schema_one_row CHECK (id = 1)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci
  COMMENT = 'The schema version of this file (one row)';

INSERT INTO nurse_station_schema (id, version, applied_at) VALUES (1, 3, UTC_TIMESTAMP(3))
  ON DUPLICATE KEY UPDATE version = 3, applied_at = UTC_TIMESTAMP(3);
