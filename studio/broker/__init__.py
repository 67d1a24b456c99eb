"""The MQTT broker side of the studio (issue 16): Mosquitto run with the project's
configuration, and the studio as its administrator (receiver accounts and their ACLs).

- `config`: the broker folder, mosquitto.conf, the dynamic-security accounts file, the
  studio's admin account (0600);
- `process`: Mosquitto as a child process (`radio-studio broker serve`, the demo, tests);
- `admin`: `BrokerAdmin`, receiver accounts over `$CONTROL/dynamic-security/v1`.

No Qt. Threads: see each module.
"""

from studio.broker.admin import BrokerAdmin, pairing_role, receiver_role
from studio.broker.config import ADMIN_USER, BrokerAccount, BrokerSettings, load_admin, save_admin
from studio.broker.process import BrokerProcess

__all__ = ["ADMIN_USER", "BrokerAccount", "BrokerAdmin", "BrokerProcess", "BrokerSettings", "load_admin",
           "pairing_role", "receiver_role", "save_admin"]
