"""crs_receiver.pairing: guesses per source, lockouts that double, a code no guess replaces."""

from __future__ import annotations

from crs_protocol import ErrorCode
from crs_receiver.pairing import ATTEMPTS, CODE_TTL_S, LOCKOUT_S, MAX_LOCKOUT_S, Pairing


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def wrong(pairing: Pairing) -> str:
    return "00000000" if pairing.code != "00000000" else "11111111"


def test_lockouts_are_per_source_and_double(capsys):
    clock = Clock()
    pairing = Pairing(clock)
    code = pairing.code
    waits = []
    for _ in range(4):
        for _ in range(ATTEMPTS - 1):
            assert pairing.check(wrong(pairing), "10.0.0.9") == (ErrorCode.WRONG_CODE, 0.0)
        refusal, wait = pairing.check(wrong(pairing), "10.0.0.9")
        assert refusal == ErrorCode.WRONG_CODE
        waits.append(wait)
        assert pairing.check(code, "10.0.0.9")[0] == ErrorCode.PAIRING_LOCKED
        assert pairing.check(code, "10.0.0.7") == (None, 0.0)  # another source is not locked
        clock.now += wait
        pairing.expires = clock.now + CODE_TTL_S  # keep this code alive for the test
    assert waits == [LOCKOUT_S, 2 * LOCKOUT_S, 4 * LOCKOUT_S, 8 * LOCKOUT_S]
    assert pairing.code == code  # wrong guesses never replace the code
    assert capsys.readouterr().out.count("pairing code: ") == 1


def test_the_lockout_is_capped_and_the_code_expires(capsys):
    clock = Clock()
    pairing = Pairing(clock)
    for _ in range(40):
        for _ in range(ATTEMPTS):
            _refusal, wait = pairing.check(wrong(pairing), "10.0.0.9")
        assert wait <= MAX_LOCKOUT_S
        clock.now += wait
        pairing.expires = clock.now + CODE_TTL_S
    old = pairing.code
    clock.now = pairing.expires + 1
    assert pairing.check(old, "10.0.0.7") == (ErrorCode.CODE_EXPIRED, 0.0)
    assert capsys.readouterr().out.strip().endswith(f"pairing code: {pairing.code}")
