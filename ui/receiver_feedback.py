"""What the officer reads after stop, volume or re-sync of a receiver, from the core's
`ControlResult` (studio.fleet.controls). UI thread only."""

from __future__ import annotations

from PySide6.QtCore import QObject

from studio.fleet.controls import Control, ControlResult


class ReceiverFeedback(QObject):
    def text(self, result: ControlResult) -> str:
        name = result.receiver
        if result.action is Control.VOLUME:
            if result.plays_at is not None and result.volume is not None and result.plays_at < result.volume:
                return self.tr("%1: volume set to %2 %; its zone allows at most %3 %, so broadcasts play at %3 %.") \
                    .replace("%1", name).replace("%2", str(result.volume)).replace("%3", str(result.plays_at))
            return self.tr("%1: volume set to %2 %.").replace("%1", name).replace("%2", str(result.volume))
        if result.action is Control.STOP:
            if result.stopped is None:
                return self.tr("%1: nothing was playing.").replace("%1", name)
            return self.tr("%1: stopped “%2”. The schedule goes on.").replace("%1", name).replace("%2", result.stopped)
        if result.version is None:
            return self.tr("%1: nothing has been published for it yet.").replace("%1", name)
        if result.delivered:
            return self.tr("%1: holds the latest schedule (%2).").replace("%1", name).replace("%2", str(result.version))
        return self.tr("%1: schedule %2 is not delivered yet; it stays in the outbox and is sent when the receiver "
                       "answers.").replace("%1", name).replace("%2", str(result.version))


def result_text(result: ControlResult) -> str:
    return ReceiverFeedback().text(result)
