"""The studio as the broker's administrator: receiver accounts over MQTT itself, through
Mosquitto's dynamic-security control topic (`$CONTROL/dynamic-security/v1`), so that the
same code manages the studio's own broker and a province's remote one.

An account's life (docs/protocol.md, "Transport 2: MQTT"):
- `create_pairing_account(rid)`: username = the receiver id, password from the id alone
  (crs_protocol.pair_proof.pairing_account_password: it tells nothing of the code), role
  `crs-pair-RID` (its pairing topics only);
- `promote_receiver(rid, secret)`: after pairing, password = the secret both sides derived
  from the code (pair_proof.broker_secret), role `crs-rx-RID` (its own topics and the media);
- `remove_receiver(rid)`: the account and its roles gone.
Each is idempotent: running it again (the officer retries, the studio restarts midway)
ends in the same state.

Threads: paho's network thread receives the answers; every method blocks its caller until
the broker answers or `timeout_s` passes (then BrokerUnavailable). One BrokerAdmin may be
used from several threads: each command waits for its own correlation id.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid

import paho.mqtt.client as mqtt
from crs_protocol.mqtt import pairing_acls, receiver_acls
from crs_protocol.pair_proof import pairing_account_password
from paho.mqtt.enums import CallbackAPIVersion

from studio.broker.config import BrokerAccount
from studio.errors import BrokerRefused, BrokerUnavailable

log = logging.getLogger(__name__)

CONTROL = "$CONTROL/dynamic-security/v1"
RESPONSE = f"{CONTROL}/response"
TIMEOUT_S = 10.0
# the plugin's answers for "nothing to do" (its only signal; the state is what we asked for)
EXISTS = ("already exists",)
ABSENT = ("not found",)


def pairing_role(receiver_id: str) -> str:
    return f"crs-pair-{receiver_id}"


def receiver_role(receiver_id: str) -> str:
    return f"crs-rx-{receiver_id}"


class BrokerAdmin:
    """An admin connection to one broker; `close()` (or `with`) ends it."""

    def __init__(self, host: str, port: int, user: str, password: str, tls: bool = False,
                 ca_file: str | None = None, timeout_s: float = TIMEOUT_S) -> None:
        self.address = f"{'mqtts' if tls else 'mqtt'}://{host}:{port}"
        self.timeout_s = timeout_s
        self._lock = threading.Lock()
        self._waiting: dict[str, tuple[threading.Event, list]] = {}
        self._ready = threading.Event()
        self._refusal: str | None = None
        client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"crs-admin-{uuid.uuid4().hex[:12]}",
                             protocol=mqtt.MQTTv5)
        client.username_pw_set(user, password)
        if tls:
            client.tls_set(ca_certs=ca_file)
        client.on_connect = self._connected
        client.on_subscribe = self._subscribed
        client.on_message = self._message
        self.client = client
        try:
            client.connect(host, port, keepalive=30)
        except OSError as exc:
            raise BrokerUnavailable(self.address, str(exc)) from exc
        client.loop_start()
        if not self._ready.wait(timeout_s) or self._refusal is not None:
            self.close()
            raise BrokerUnavailable(self.address, self._refusal or "no answer to the admin connection")

    @classmethod
    def for_account(cls, account: BrokerAccount, timeout_s: float = TIMEOUT_S) -> BrokerAdmin:
        return cls(account.host, account.port, account.username, account.password, account.tls, account.ca_file,
                   timeout_s)

    # -- paho's thread ----------------------------------------------------------------------------
    def _connected(self, client, _userdata, _flags, reason_code, _properties) -> None:
        if reason_code.is_failure:
            self._refusal = f"connection refused: {reason_code}"
            self._ready.set()
            return
        client.subscribe(RESPONSE, qos=1)

    def _subscribed(self, _client, _userdata, _mid, reason_codes, _properties) -> None:
        if any(code.is_failure for code in reason_codes):
            self._refusal = "the account may not use the dynamic-security control topic"
        self._ready.set()

    def _message(self, _client, _userdata, message) -> None:
        try:
            responses = json.loads(message.payload)["responses"]
        except (ValueError, KeyError, TypeError):
            log.warning("unreadable dynamic-security answer: %r", message.payload[:200])
            return
        for answer in responses:
            with self._lock:
                waiting = self._waiting.get(str(answer.get("correlationData")))
            if waiting is not None:
                waiting[1].append(answer)
                waiting[0].set()

    # -- commands ---------------------------------------------------------------------------------
    def run(self, commands: list[dict], tolerate: tuple[str, ...] = ()) -> list[dict]:
        """Send commands in one message (the plugin runs them in order); their answers, in
        order. A refusal whose text contains one of `tolerate` is accepted; any other raises
        BrokerRefused."""
        ids = [uuid.uuid4().hex for _ in commands]
        events = {i: (threading.Event(), []) for i in ids}
        with self._lock:
            self._waiting.update(events)
        try:
            payload = {"commands": [{**command, "correlationData": i} for command, i in zip(commands, ids)]}
            info = self.client.publish(CONTROL, json.dumps(payload), qos=1)
            if info.rc != mqtt.MQTT_ERR_SUCCESS:
                raise BrokerUnavailable(self.address, f"publish failed ({mqtt.error_string(info.rc)})")
            answers = []
            for command, i in zip(commands, ids):
                event, found = events[i]
                if not event.wait(self.timeout_s):
                    raise BrokerUnavailable(self.address, f"no answer to {command['command']}")
                answer = found[0]
                error = answer.get("error")
                if error and not any(t in str(error).lower() for t in tolerate):
                    raise BrokerRefused(command["command"], str(error))
                answers.append(answer)
            return answers
        finally:
            with self._lock:
                for i in ids:
                    self._waiting.pop(i, None)

    def _ensure_role(self, role: str, acls: list[tuple[str, str]]) -> None:
        self.run([{"command": "createRole", "rolename": role}], tolerate=EXISTS)
        self.run([{"command": "addRoleACL", "rolename": role, "acltype": kind, "topic": topic, "allow": True,
                   "priority": 0} for kind, topic in acls], tolerate=EXISTS)

    def _ensure_client(self, username: str, password: str, text: str) -> None:
        created = self.run([{"command": "createClient", "username": username, "password": password,
                             "textname": text}], tolerate=EXISTS)[0]
        if created.get("error"):
            self.run([{"command": "setClientPassword", "username": username, "password": password},
                      {"command": "enableClient", "username": username}])

    def _set_role(self, username: str, role: str, drop: str) -> None:
        """`username` holds `role` and not `drop` (the plugin refuses adding a role twice)."""
        roles = self.client_roles(username)
        commands = []
        if drop in roles:
            commands.append({"command": "removeClientRole", "username": username, "rolename": drop})
        if role not in roles:
            commands.append({"command": "addClientRole", "username": username, "rolename": role, "priority": 0})
        if commands:
            self.run(commands)

    def create_pairing_account(self, receiver_id: str, code: str | None = None) -> None:
        """The account an unpaired receiver connects with (password from its id alone,
        crs_protocol.pair_proof; `code` is ignored): it may only read its pairing requests
        and answer them."""
        self._ensure_role(pairing_role(receiver_id), pairing_acls(receiver_id))
        self._ensure_client(receiver_id, pairing_account_password(receiver_id), "receiver (pairing)")
        self._set_role(receiver_id, pairing_role(receiver_id), receiver_role(receiver_id))
        log.info("broker account for receiver %s created for pairing", receiver_id)

    def promote_receiver(self, receiver_id: str, secret: str) -> None:
        """After pairing: the account's password becomes `secret`, its role its own topics."""
        self._ensure_role(receiver_role(receiver_id), receiver_acls(receiver_id))
        self._ensure_client(receiver_id, secret, "receiver")
        self._set_role(receiver_id, receiver_role(receiver_id), pairing_role(receiver_id))
        self.run([{"command": "deleteRole", "rolename": pairing_role(receiver_id)}], tolerate=ABSENT)
        log.info("broker account for receiver %s promoted after pairing", receiver_id)

    def refresh_receiver_rules(self, receiver_id: str) -> None:
        """A paired receiver's role gets every rule this version gives it (one paired before
        live existed lacks `crs/v1/live/+`); rules it has are kept."""
        self._ensure_role(receiver_role(receiver_id), receiver_acls(receiver_id))
        log.info("broker rules of receiver %s refreshed", receiver_id)

    def provision_receivers(self, accounts: list[tuple[str, str]], batch: int = 100) -> None:
        """Paired accounts for many new receivers at once ((receiver id, secret) each; none
        may exist yet): a province's fleet set up in bulk, and the scale benchmark. Mosquitto
        rewrites its accounts file once per control message, not once per command, so the
        commands go `batch` receivers to a message (1,000 one at a time took 509 s)."""
        for start in range(0, len(accounts), batch):
            commands: list[dict] = []
            for receiver_id, secret in accounts[start:start + batch]:
                role = receiver_role(receiver_id)
                commands.append({"command": "createRole", "rolename": role})
                commands.extend({"command": "addRoleACL", "rolename": role, "acltype": kind, "topic": topic,
                                 "allow": True, "priority": 0} for kind, topic in receiver_acls(receiver_id))
                commands.append({"command": "createClient", "username": receiver_id, "password": secret,
                                 "textname": "receiver", "roles": [{"rolename": role, "priority": 0}]})
            self.run(commands)
        log.info("broker accounts for %d receivers provisioned", len(accounts))

    def remove_receiver(self, receiver_id: str) -> None:
        self.run([{"command": "deleteClient", "username": receiver_id},
                  {"command": "deleteRole", "rolename": receiver_role(receiver_id)},
                  {"command": "deleteRole", "rolename": pairing_role(receiver_id)}], tolerate=ABSENT)
        log.info("broker account for receiver %s removed", receiver_id)

    def get_client(self, username: str) -> dict | None:
        """The plugin's record of an account (its roles, whether disabled), None if absent."""
        answer = self.run([{"command": "getClient", "username": username}], tolerate=ABSENT)[0]
        if answer.get("error"):
            return None
        return answer.get("data", {}).get("client")

    def client_roles(self, username: str) -> set[str]:
        client = self.get_client(username) or {}
        return {role.get("rolename") for role in client.get("roles", [])}

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()

    def __enter__(self) -> BrokerAdmin:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
