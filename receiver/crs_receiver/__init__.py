"""The reference receiver of protocol v1: an IP loudspeaker that plays what its studio signed.

- `server`: the HTTP side (aiohttp), every handler behind one signature check;
- `admission`, `connections`, `listening`, `pairing`, `security_log`: what it does against
  clients without the key (docs/protocol.md, section 8);
- `store`: what the receiver keeps on disk, power-cut safe;
- `player`: the playback engine (its scheduler, decoder and PortAudio threads);
- `timeline`: a manifest's schedule parsed once (sorted starts, items set aside);
  `decode`: media checked (SHA-256) and decoded in bounded chunks; `play_now`: a play-now
  saved before the answer, finished after a restart;
- `cli`: the `crs-receiver` command (serve, reset-pairing);
- `startup`: `wait_until_listening`, for whoever starts a receiver as a child process.

Imports nothing from the studio: it shares only `crs_protocol` with it. Importing this
package loads nothing heavy (aiohttp, numpy and PortAudio come with `server`/`player`).
"""

from crs_receiver.startup import wait_until_listening

__version__ = "0.1.0"

__all__ = ["__version__", "wait_until_listening"]
