"""Issue 15, item 17: the audit log is a hash chain (an UPDATE or DELETE of a row is found by
`radio-studio audit verify`, which names the first altered row), new password hashes use
OWASP's scrypt N=2^17 while old ones keep verifying, and a failed sign-in is slowed down
without slowing anyone else's. Real SQLite; the CLI as a child process."""

from __future__ import annotations

import base64
import hashlib
import threading
import time

import pytest

from studio.accounts import audit_chain
from studio.accounts.store import Accounts, Role, check_password, hash_password
from studio.errors import AccessDenied
from studio.storage.database import connect
from tests.support.cli import run


def _rows(library, n: int) -> list[int]:
    accounts = Accounts(library.conn)
    for k in range(n):
        accounts.record("quantri", "publish", "publish", k, {"k": k, "chữ": "Thôn 1"})
    return [r[0] for r in library.conn.execute("SELECT id FROM audit_log ORDER BY id")]


def test_an_updated_audit_row_is_named_by_verify(library, data_dir):
    ids = _rows(library, 5)
    assert "intact: 5 chained rows" in run(data_dir, "audit", "verify").stdout
    head_id, head_hash = run(data_dir, "audit", "head").stdout.split()
    assert int(head_id) == ids[-1] and head_hash == audit_chain.head(library.conn).hash
    library.conn.execute("UPDATE audit_log SET username = 'ai-do' WHERE id = ?", (ids[2],))
    refused = run(data_dir, "audit", "verify", expect=1)
    assert f"row {ids[2]} (hash)" in refused.stderr


def test_a_deleted_row_breaks_the_link_of_the_next(library):
    ids = _rows(library, 4)
    library.conn.execute("DELETE FROM audit_log WHERE id = ?", (ids[1],))
    assert audit_chain.verify(library.conn) == audit_chain.ChainBreak(ids[2], "link")


def test_a_rehashed_row_still_breaks_the_link_of_the_next(library):
    ids = _rows(library, 3)
    row = library.conn.execute("SELECT * FROM audit_log WHERE id = ?", (ids[1],)).fetchone()
    forged = audit_chain.link(row["prev_hash"], audit_chain.content(row["at"], "ai-do", row["action"],
                                                                    row["object_kind"], row["object_id"],
                                                                    row["detail_json"]))
    library.conn.execute("UPDATE audit_log SET username = 'ai-do', hash = ? WHERE id = ?", (forged, ids[1]))
    assert audit_chain.verify(library.conn) == audit_chain.ChainBreak(ids[2], "link")


def test_rows_from_before_the_chain_are_counted_and_the_chain_starts_after(library):
    library.conn.execute("INSERT INTO audit_log (at, username, action, object_kind) VALUES ('2025', 'cu', 'x', 'y')")
    _rows(library, 2)
    assert audit_chain.verify(library.conn) is None
    head = audit_chain.head(library.conn)
    assert (head.chained, head.unchained) == (2, 1)
    library.conn.execute("UPDATE audit_log SET hash = NULL WHERE id = ?", (head.row_id,))
    assert audit_chain.verify(library.conn) == audit_chain.ChainBreak(head.row_id, "unhashed")


def test_writers_on_two_connections_chain_in_order(library, data_dir):
    def write(n: int) -> None:
        conn = connect(library.paths.database)
        for k in range(20):
            Accounts(conn).record(f"u{n}", "x", "y", k, {})
        conn.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert audit_chain.verify(library.conn) is None and audit_chain.head(library.conn).chained == 60


def test_new_hashes_use_owasp_scrypt_and_old_ones_still_verify():
    scheme, n, r, p, _salt, _digest = hash_password("matkhau-moi").split("$")
    assert (scheme, int(n), int(r), int(p)) == ("scrypt", 1 << 17, 8, 1)
    salt = b"0123456789abcdef"
    old = hashlib.scrypt(b"matkhau-cu", salt=salt, n=1 << 15, r=8, p=1, maxmem=64 << 20, dklen=32)
    stored = f"scrypt${1 << 15}$8$1${base64.b64encode(salt).decode()}${base64.b64encode(old).decode()}"
    assert check_password("matkhau-cu", stored)
    assert not check_password("matkhau-sai", stored)


def test_a_failed_sign_in_is_delayed_without_delaying_another(library):
    Accounts(library.conn).add("quantri", "matkhau-quantri", Role.ADMIN)
    results: dict[str, float] = {}

    def sign_in(name: str, password: str) -> None:
        conn = connect(library.paths.database)
        started = time.monotonic()
        try:
            Accounts(conn, failed_delay_s=3.0).authenticate("quantri", password)
        except AccessDenied:
            pass
        results[name] = time.monotonic() - started
        conn.close()

    wrong = threading.Thread(target=sign_in, args=("wrong", "sai-mat-khau"))
    wrong.start()
    while not library.conn.execute("SELECT 1 FROM audit_log WHERE action = 'login-failed'").fetchone():
        time.sleep(0.01)  # polling: the failure is recorded, its delay has begun
    right = threading.Thread(target=sign_in, args=("right", "matkhau-quantri"))
    right.start()
    right.join()
    assert "wrong" not in results  # the right one finished while the wrong one still waited
    wrong.join()
    assert results["wrong"] >= 3.0


@pytest.mark.parametrize("stored", ["scrypt$1073741824$8$1$AAAA$AAAA", "bcrypt$x", "scrypt$bad"])
def test_unusable_stored_hashes_never_verify(stored):
    assert not check_password("anything", stored)
