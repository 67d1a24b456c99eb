"""Live broadcast from the studio's microphone (issue 20)."""

from studio.live.broadcast import LiveBroadcast, LiveTarget, TargetState
from studio.live.sessions import finish, go_live, targets_of

__all__ = ["LiveBroadcast", "LiveTarget", "TargetState", "finish", "go_live", "targets_of"]
