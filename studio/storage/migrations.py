"""The studio database's schema, as the steps that build it: entry i turns version i into i+1.

Applied in order by `studio.storage.database.migrate`; never edit a released entry, append.
"""

from __future__ import annotations

# Each entry turns schema version i into i+1. Never edit a released entry: append.
MIGRATIONS: tuple[str, ...] = (
    # 0 -> 1: clip library, edit history, render cache
    """
    CREATE TABLE clips (
        id               INTEGER PRIMARY KEY AUTOINCREMENT,
        title            TEXT NOT NULL,
        source_sha256    TEXT NOT NULL,
        source_name      TEXT NOT NULL,
        format           TEXT NOT NULL,
        subtype          TEXT NOT NULL,
        sample_rate      INTEGER NOT NULL CHECK (sample_rate > 0),
        channels         INTEGER NOT NULL CHECK (channels > 0),
        frames           INTEGER NOT NULL CHECK (frames > 0),
        loudness_lufs    REAL,            -- NULL: no programme loudness (silence)
        sample_peak_dbfs REAL,
        true_peak_dbtp   REAL,
        language         TEXT NOT NULL DEFAULT 'vi',
        created_at       TEXT NOT NULL,
        deleted_at       TEXT,
        edit_version     INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX clips_source ON clips(source_sha256);
    CREATE TABLE clip_edits (
        clip_id    INTEGER NOT NULL REFERENCES clips(id) ON DELETE CASCADE,
        version    INTEGER NOT NULL CHECK (version > 0),
        edits_json TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (clip_id, version)
    );
    CREATE TABLE renders (
        cache_key      TEXT PRIMARY KEY,
        output_sha256  TEXT NOT NULL,
        container      TEXT NOT NULL,
        loudness_lufs  REAL,
        true_peak_dbtp REAL,
        duration_s     REAL NOT NULL,
        created_at     TEXT NOT NULL
    );
    """,
    # 1 -> 2: markers set while recording (seconds into the clip, JSON list)
    """
    ALTER TABLE clips ADD COLUMN markers_json TEXT NOT NULL DEFAULT '[]';
    """,
    # 2 -> 3: speech clips keep what they were read from; the user's TTS dictionaries
    """
    ALTER TABLE clips ADD COLUMN speech_json TEXT;
    CREATE TABLE tts_lexicon (
        kind       TEXT NOT NULL CHECK (kind IN ('abbreviation', 'pronunciation')),
        written    TEXT NOT NULL CHECK (length(written) > 0),
        spoken     TEXT NOT NULL CHECK (length(spoken) > 0),
        created_at TEXT NOT NULL,
        PRIMARY KEY (kind, written)
    );
    """,
    # 3 -> 4: accounts and audit log; programmes and approval; zones, slots
    """
    CREATE TABLE users (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        username      TEXT NOT NULL UNIQUE CHECK (length(username) > 0),
        display_name  TEXT NOT NULL,
        role          TEXT NOT NULL CHECK (role IN ('editor', 'approver', 'admin')),
        password_hash TEXT NOT NULL,
        disabled      INTEGER NOT NULL DEFAULT 0,
        created_at    TEXT NOT NULL
    );
    CREATE TABLE audit_log (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        at          TEXT NOT NULL,
        username    TEXT NOT NULL,
        action      TEXT NOT NULL,
        object_kind TEXT NOT NULL,
        object_id   INTEGER,
        detail_json TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX audit_object ON audit_log(object_kind, object_id);
    CREATE TABLE programmes (
        id                INTEGER PRIMARY KEY AUTOINCREMENT,
        title             TEXT NOT NULL,
        spec_json         TEXT NOT NULL,
        state             TEXT NOT NULL DEFAULT 'draft'
                          CHECK (state IN ('draft', 'submitted', 'approved', 'rejected')),
        content_sha256    TEXT,          -- content hash submitted / approved (NULL in draft)
        audio_json        TEXT,          -- language -> sha256 of the rendered audio approved
        decided_by        TEXT,
        decided_at        TEXT,
        comment           TEXT,
        created_at        TEXT NOT NULL,
        updated_at        TEXT NOT NULL,
        deleted_at        TEXT
    );
    CREATE TABLE zones (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        name        TEXT NOT NULL UNIQUE CHECK (length(name) > 0),
        kind        TEXT NOT NULL CHECK (kind IN ('village', 'residential_group', 'area')),
        language    TEXT NOT NULL DEFAULT 'vi',
        policy_json TEXT NOT NULL,
        created_at  TEXT NOT NULL
    );
    CREATE TABLE slots (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        programme_id INTEGER NOT NULL REFERENCES programmes(id),
        start_local  TEXT NOT NULL,       -- YYYY-MM-DDTHH:MM[:SS], Asia/Ho_Chi_Minh
        rrule        TEXT,                -- RFC 5545 RRULE (without DTSTART), NULL = once
        exdates_json TEXT NOT NULL DEFAULT '[]',
        priority     TEXT NOT NULL CHECK (priority IN ('normal', 'priority', 'emergency')),
        start_mode   TEXT NOT NULL CHECK (start_mode IN ('hard', 'soft')),
        length_min   REAL,                -- the time reserved, if any
        sequence     INTEGER NOT NULL DEFAULT 0,  -- the operator's order among equals
        created_by   TEXT NOT NULL,
        created_at   TEXT NOT NULL,
        deleted_at   TEXT
    );
    CREATE TABLE slot_zones (
        slot_id INTEGER NOT NULL REFERENCES slots(id) ON DELETE CASCADE,
        zone_id INTEGER NOT NULL REFERENCES zones(id),
        PRIMARY KEY (slot_id, zone_id)
    );
    """,
    # 4 -> 5: receivers, publishes, the durable outbox, play logs brought back
    """
    CREATE TABLE receivers (
        id               INTEGER PRIMARY KEY AUTOINCREMENT,
        receiver_id      TEXT NOT NULL UNIQUE,
        name             TEXT NOT NULL,
        address          TEXT NOT NULL,
        zone_id          INTEGER REFERENCES zones(id),
        paired_at        TEXT NOT NULL,
        last_seen        TEXT,
        status_json      TEXT,
        last_error       TEXT,
        delivered_version INTEGER NOT NULL DEFAULT 0,
        playlog_seq      INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE publishes (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        created_at  TEXT NOT NULL,
        created_by  TEXT NOT NULL,
        first_day   TEXT NOT NULL,
        last_day    TEXT NOT NULL,
        state       TEXT NOT NULL DEFAULT 'compiled' CHECK (state IN ('requested', 'compiled', 'failed')),
        detail_json TEXT NOT NULL DEFAULT '{}'
    );
    CREATE TABLE deliveries (
        id             INTEGER PRIMARY KEY AUTOINCREMENT,
        receiver       INTEGER NOT NULL REFERENCES receivers(id),
        publish_id     INTEGER NOT NULL REFERENCES publishes(id),
        version        INTEGER NOT NULL,
        manifest_json  TEXT NOT NULL,
        media_json     TEXT NOT NULL,
        state          TEXT NOT NULL DEFAULT 'pending'
                       CHECK (state IN ('pending', 'delivered', 'superseded')),
        attempts       INTEGER NOT NULL DEFAULT 0,
        last_error     TEXT,
        next_attempt   TEXT,
        bytes_total    INTEGER NOT NULL DEFAULT 0,
        bytes_sent     INTEGER NOT NULL DEFAULT 0,
        created_at     TEXT NOT NULL,
        delivered_at   TEXT
    );
    CREATE INDEX deliveries_pending ON deliveries(state, receiver);
    CREATE TABLE playlog (
        receiver    INTEGER NOT NULL REFERENCES receivers(id),
        seq         INTEGER NOT NULL,
        entry_json  TEXT NOT NULL,
        PRIMARY KEY (receiver, seq)
    );
    """,
    # 5 -> 6: what the delivery engine last found about each receiver (the receivers table
    # reads only these): when it last checked, since when it does not answer, and the
    # problem as data ({"kind": "unreachable" | "refused", ...}), never as UI text
    """
    ALTER TABLE receivers ADD COLUMN checked_at TEXT;
    ALTER TABLE receivers ADD COLUMN offline_since TEXT;
    ALTER TABLE receivers ADD COLUMN problem_json TEXT;
    CREATE INDEX deliveries_receiver ON deliveries(receiver, version);
    """,
    # 6 -> 7: emergencies (Thông tư 39: play at once), durable, with each receiver's outcome
    """
    CREATE TABLE emergencies (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        clip_id       INTEGER NOT NULL REFERENCES clips(id),
        media_sha256  TEXT NOT NULL,
        zones_json    TEXT NOT NULL,
        declared_by   TEXT NOT NULL,     -- who sent it (an account, or cli:<OS login>)
        approved_by   TEXT,              -- the approver who signed in; NULL: an editor alone
        reason        TEXT,
        created_at    TEXT NOT NULL,
        valid_until   TEXT NOT NULL,     -- UTC; no receiver starts it later than this
        item_id       TEXT NOT NULL UNIQUE  -- the play-now id the receivers log it under
    );
    CREATE TABLE emergency_targets (
        emergency_id INTEGER NOT NULL REFERENCES emergencies(id),
        receiver     INTEGER NOT NULL REFERENCES receivers(id),
        state        TEXT NOT NULL DEFAULT 'pending'
                     CHECK (state IN ('pending', 'reached', 'expired', 'failed', 'superseded')),
        reached_at   TEXT,
        attempts     INTEGER NOT NULL DEFAULT 0,
        last_error   TEXT,
        updated_at   TEXT NOT NULL,
        PRIMARY KEY (emergency_id, receiver)
    );
    CREATE INDEX emergency_targets_state ON emergency_targets(state, receiver);
    """,
    # 7 -> 8: reports (studio.reports): programme categories; what was planned for each
    # receiver and what it played, as rows; when each receiver went online and offline
    """
    CREATE TABLE programme_categories (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        name       TEXT NOT NULL UNIQUE CHECK (length(name) > 0),
        position   INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL
    );
    INSERT INTO programme_categories (name, position, created_at) VALUES
        ('Thời sự – chính sách', 1, ''), ('Thông báo của UBND', 2, ''), ('Phòng chống thiên tai', 3, ''),
        ('Y tế', 4, ''), ('Nông nghiệp', 5, ''), ('An ninh trật tự', 6, ''), ('Khẩn cấp', 7, '');
    ALTER TABLE programmes ADD COLUMN category_id INTEGER REFERENCES programme_categories(id);
    CREATE TABLE asrun_planned (
        receiver     INTEGER NOT NULL REFERENCES receivers(id),
        item         TEXT NOT NULL,
        version      INTEGER NOT NULL,
        scheduled    TEXT NOT NULL,       -- UTC ISO
        local_day    TEXT NOT NULL,       -- YYYY-MM-DD, Asia/Ho_Chi_Minh
        duration_s   REAL NOT NULL,
        priority     TEXT NOT NULL,
        slot_id      INTEGER,
        zone_id      INTEGER,
        programme_id INTEGER,
        language     TEXT,
        title        TEXT,
        PRIMARY KEY (receiver, item)
    );
    CREATE INDEX asrun_planned_day ON asrun_planned(local_day);
    CREATE TABLE asrun (
        receiver     INTEGER NOT NULL REFERENCES receivers(id),
        seq          INTEGER NOT NULL,
        item         TEXT NOT NULL,
        scheduled    TEXT,
        local_day    TEXT NOT NULL,
        started      TEXT,
        ended        TEXT,
        played_s     REAL NOT NULL DEFAULT 0,
        outcome      TEXT NOT NULL,
        level_dbfs   REAL,
        reason       TEXT,
        priority     TEXT NOT NULL,
        slot_id      INTEGER,
        zone_id      INTEGER,
        programme_id INTEGER,
        language     TEXT,
        title        TEXT,
        PRIMARY KEY (receiver, seq)
    );
    CREATE INDEX asrun_day ON asrun(local_day);
    CREATE INDEX asrun_item ON asrun(receiver, item);
    CREATE TABLE receiver_availability (
        receiver INTEGER NOT NULL REFERENCES receivers(id),
        at       TEXT NOT NULL,
        online   INTEGER NOT NULL CHECK (online IN (0, 1)),
        PRIMARY KEY (receiver, at)
    );
    """,
    # 8 -> 9: the audit log as a hash chain (studio.accounts.audit_chain): each new row
    # carries the previous row's hash and its own; rows written before stay unchained
    """
    ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
    ALTER TABLE audit_log ADD COLUMN hash TEXT;
    """,
    # 9 -> 10: the archive keeps the exact media of what played (studio.reports.archive):
    # (and programme categories can be retired, studio.reports.categories)
    # each as-run entry's files in order, from its play-log entry; the media store keeps a
    # file while a row here names it (studio.storage.media_sweep). Entries already
    # recorded get theirs from the play log kept beside them.
    """
    CREATE TABLE archive_media (
        receiver  INTEGER NOT NULL,
        seq       INTEGER NOT NULL,
        position  INTEGER NOT NULL,
        sha256    TEXT NOT NULL,
        local_day TEXT NOT NULL,
        PRIMARY KEY (receiver, seq, position)
    );
    CREATE INDEX archive_media_sha ON archive_media(sha256);
    CREATE INDEX archive_media_day ON archive_media(local_day);
    -- a retired category is offered no more, but its programmes and reports keep it
    ALTER TABLE programme_categories ADD COLUMN retired_at TEXT;
    INSERT OR IGNORE INTO archive_media (receiver, seq, position, sha256, local_day)
        SELECT a.receiver, a.seq, CAST(m.key AS INTEGER), m.value, a.local_day
        FROM asrun a JOIN playlog p ON p.receiver = a.receiver AND p.seq = a.seq,
             json_each(p.entry_json, '$.media') m
        WHERE json_valid(p.entry_json) AND json_type(p.entry_json, '$.media') = 'array'
          AND m.type = 'text';
    """,
    # 10 -> 11: speech jobs for a domestic platform (FPT.AI, Viettel AI, Zalo AI) that could
    # not be reached: kept here until the provider answers (studio.tts.speech_queue)
    """
    CREATE TABLE speech_jobs (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        engine        TEXT NOT NULL,
        voice         TEXT NOT NULL,
        rate          INTEGER NOT NULL,
        volume        REAL NOT NULL,
        region        TEXT NOT NULL,
        language      TEXT NOT NULL,
        title         TEXT,
        text          TEXT NOT NULL,
        state         TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'done', 'failed')),
        preview_clip  INTEGER REFERENCES clips(id),
        clip          INTEGER REFERENCES clips(id),
        attempts      INTEGER NOT NULL DEFAULT 0,
        last_error    TEXT,
        created_at    TEXT NOT NULL,
        done_at       TEXT
    );
    CREATE INDEX speech_jobs_state ON speech_jobs(state, id);
    """,
    # 11 -> 12: MQTT transport (studio.fleet.mqtt_media): which media sha is retained on which
    # broker (uploaded once per broker, cleared when no desired manifest names it), and when
    # a delivery's signed manifest was published retained to the broker
    """
    CREATE TABLE broker_media (
        broker       TEXT NOT NULL,
        sha256       TEXT NOT NULL,
        size         INTEGER NOT NULL,
        chunks       INTEGER NOT NULL,
        uploaded_at  TEXT NOT NULL,
        PRIMARY KEY (broker, sha256)
    );
    ALTER TABLE deliveries ADD COLUMN broker_published_at TEXT;
    """,
    # 12 -> 13: live broadcast: the receiver's live public key (X25519) as it said at pairing;
    # a session start seals the session key only to that key (studio/live/broadcast.py)
    """
    ALTER TABLE receivers ADD COLUMN live_key TEXT;
    """,
)
