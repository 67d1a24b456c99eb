"""What the officer reads when something fails: each core error type maps to a message
and a suggested action (translated), never the error's own text. `ErrorDialog` is
non-modal (a failure must never block the window during a broadcast) and has "copy
details" for whoever helps the officer. UI thread only.
"""

from __future__ import annotations

from pathlib import Path

from crs_protocol import ErrorCode, FaultCode
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio import errors as e

_CONTEXT = "ErrorMessages"

# (error type, message, suggested action); the first matching type wins. %1: file name.
_MESSAGES: list[tuple[type, str, str]] = [
    (e.UnsupportedAudio,
     QT_TRANSLATE_NOOP("ErrorMessages", "“%1” is not an audio format the studio can read."),
     QT_TRANSLATE_NOOP("ErrorMessages", "Use WAV, FLAC, OGG, Opus or MP3. Convert the file, then import it again.")),
    (e.EmptyAudio,
     QT_TRANSLATE_NOOP("ErrorMessages", "“%1” holds no sound."),
     QT_TRANSLATE_NOOP("ErrorMessages", "Check that the right file was chosen.")),
    (e.TruncatedAudio,
     QT_TRANSLATE_NOOP("ErrorMessages", "“%1” is incomplete: the file was cut off."),
     QT_TRANSLATE_NOOP("ErrorMessages", "Copy the file again from its source (a USB stick removed too early cuts files).")),
    (e.CorruptAudio,
     QT_TRANSLATE_NOOP("ErrorMessages", "“%1” is damaged and cannot be read."),
     QT_TRANSLATE_NOOP("ErrorMessages", "Copy the file again from its source, or record the bulletin again.")),
    (e.MislabeledAudio,
     QT_TRANSLATE_NOOP("ErrorMessages", "“%1” has the wrong file extension for its content."),
     QT_TRANSLATE_NOOP("ErrorMessages", "Rename the file with the right extension, then import it again.")),
    (e.AudioTooLarge,
     QT_TRANSLATE_NOOP("ErrorMessages", "“%1” is too large or too long to import."),
     QT_TRANSLATE_NOOP("ErrorMessages", "Split the recording into parts under 6 hours.")),
    (e.StorageError,
     QT_TRANSLATE_NOOP("ErrorMessages", "The studio could not save to disk."),
     QT_TRANSLATE_NOOP("ErrorMessages", "Free some disk space or choose another data folder in Settings.")),
    (e.SilentAudio,
     QT_TRANSLATE_NOOP("ErrorMessages", "This clip is silent after editing; there is nothing to normalise."),
     QT_TRANSLATE_NOOP("ErrorMessages", "Check the trim and cut ranges.")),
    (e.InvalidEdit,
     QT_TRANSLATE_NOOP("ErrorMessages", "This edit does not fit the clip."),
     QT_TRANSLATE_NOOP("ErrorMessages", "Select a range inside the recording.")),
    (e.NothingToUndo,
     QT_TRANSLATE_NOOP("ErrorMessages", "There is nothing more to undo or redo."),
     QT_TRANSLATE_NOOP("ErrorMessages", "The clip is as it was when it was imported, or as its newest edit.")),
    (e.ClipNotFound,
     QT_TRANSLATE_NOOP("ErrorMessages", "This clip is no longer in the library."),
     QT_TRANSLATE_NOOP("ErrorMessages", "It may be in the trash.")),
    # Sound device troubles, most specific first (see _device_message).
    (e.AudioDeviceError,
     QT_TRANSLATE_NOOP("ErrorMessages", "The sound device cannot be used."),
     QT_TRANSLATE_NOOP("ErrorMessages",
                       "Check that speakers or headphones are plugged in, or choose another device in Settings.")),
    (e.DatabaseTooNew,
     QT_TRANSLATE_NOOP("ErrorMessages", "The library was made by a newer version of the studio."),
     QT_TRANSLATE_NOOP("ErrorMessages", "Update the studio.")),
    (e.InvalidPreference,
     QT_TRANSLATE_NOOP("ErrorMessages", "A setting has a value the studio cannot use."),
     QT_TRANSLATE_NOOP("ErrorMessages", "Open Settings and correct it.")),
    (e.EmptyText,
     QT_TRANSLATE_NOOP("ErrorMessages", "There is nothing to read aloud in this text."),
     QT_TRANSLATE_NOOP("ErrorMessages", "Type or paste the notice first.")),
    (e.UnreadableText,
     QT_TRANSLATE_NOOP("ErrorMessages", "“%1” cannot be opened as text."),
     QT_TRANSLATE_NOOP("ErrorMessages",
                       "Open a .txt file. A Word document must first be saved as plain text (Save As, .txt).")),
    (e.EngineUnavailable,
     QT_TRANSLATE_NOOP("ErrorMessages", "The speech engine is not installed or cannot start."),
     QT_TRANSLATE_NOOP("ErrorMessages",
                       "Reinstall the studio. On Windows, add the Vietnamese voice (Settings, Time and language, Speech).")),
    (e.VoiceNotFound,
     QT_TRANSLATE_NOOP("ErrorMessages", "The chosen voice is not available on this computer."),
     QT_TRANSLATE_NOOP("ErrorMessages", "Choose another voice in the list.")),
    (e.SynthesisTimeout,
     QT_TRANSLATE_NOOP("ErrorMessages", "The speech engine stopped responding and was stopped."),
     QT_TRANSLATE_NOOP("ErrorMessages", "Try again. If it happens again, restart the computer or choose another voice.")),
    (e.AccessDenied,
     QT_TRANSLATE_NOOP("ErrorMessages", "This account may not do that, or the name or password is wrong."),
     QT_TRANSLATE_NOOP("ErrorMessages", "Check the user name and password; approval needs an approver's account.")),
    (e.LastAdmin,
     QT_TRANSLATE_NOOP("ErrorMessages", "This is the last administrator account: it must stay an enabled admin."),
     QT_TRANSLATE_NOOP("ErrorMessages", "Make another account an admin first.")),
    (e.ZoneInUse,
     QT_TRANSLATE_NOOP("ErrorMessages", "Broadcasts or receivers still use this zone, so it cannot be deleted."),
     QT_TRANSLATE_NOOP("ErrorMessages", "Delete its broadcasts and move its receivers to another zone first.")),
    (e.UnknownUser,
     QT_TRANSLATE_NOOP("ErrorMessages", "There is no account with this name."),
     QT_TRANSLATE_NOOP("ErrorMessages", "Ask the administrator to create it.")),
    (e.ReasonRequired,
     QT_TRANSLATE_NOOP("ErrorMessages", "An editor sending an emergency without an approver must give the reason."),
     QT_TRANSLATE_NOOP("ErrorMessages", "Write why it cannot wait, or ask an approver to sign in.")),
    (e.NoReceivers,
     QT_TRANSLATE_NOOP("ErrorMessages", "No loudspeaker is paired in the chosen zones."),
     QT_TRANSLATE_NOOP("ErrorMessages", "Choose other zones, or pair their receivers first.")),
    (e.ApprovalError,
     QT_TRANSLATE_NOOP("ErrorMessages", "This programme is not at the step for that."),
     QT_TRANSLATE_NOOP("ErrorMessages",
                       "A programme is submitted before it is approved; if it changed since, submit it again.")),
    (e.InvalidStreamItem,
     QT_TRANSLATE_NOOP("ErrorMessages", "The relay item cannot be used as it is."),
     QT_TRANSLATE_NOOP("ErrorMessages", "Double-click it to change it: its address starts with http:// or https://, "
                                        "it lasts up to 24 hours, and a programme relays one stream.")),
    (e.InvalidProgramme,
     QT_TRANSLATE_NOOP("ErrorMessages", "The programme cannot be made like this."),
     QT_TRANSLATE_NOOP("ErrorMessages", "It needs at least one item, and every clip must still be in the library.")),
    (e.InvalidSchedule,
     QT_TRANSLATE_NOOP("ErrorMessages", "The schedule entry has a value the studio cannot use."),
     QT_TRANSLATE_NOOP("ErrorMessages", "Check the time, the repeat rule and the zone's rules.")),
    (e.NothingToReplay,
     QT_TRANSLATE_NOOP("ErrorMessages", "Nothing was played there on that day, or it is older than the archive keeps."),
     QT_TRANSLATE_NOOP("ErrorMessages",
                       "Choose another day or place; the archive keeps what was played for the months set in Settings.")),
    (e.ArchivedMediaMissing,
     QT_TRANSLATE_NOOP("ErrorMessages", "A recording the archive needs is no longer on this computer."),
     QT_TRANSLATE_NOOP("ErrorMessages",
                       "Restore the data folder from a backup. Copy the details for technical support.")),
    (e.NotFound,
     QT_TRANSLATE_NOOP("ErrorMessages", "It is no longer there."),
     QT_TRANSLATE_NOOP("ErrorMessages", "It may have been deleted; refresh the list.")),
    (e.InvalidBrokerAddress,
     QT_TRANSLATE_NOOP("ErrorMessages", "That is not a valid MQTT broker address."),
     QT_TRANSLATE_NOOP("ErrorMessages", "Write it as mqtt://ADDRESS:PORT/RECEIVER_ID, with the receiver id the "
                                        "receiver shows (mqtts:// for an encrypted broker).")),
    (e.NoBrokerAccount,
     QT_TRANSLATE_NOOP("ErrorMessages", "The studio has no account on that MQTT broker."),
     QT_TRANSLATE_NOOP("ErrorMessages", "Run “radio-studio broker connect” with the account the province gave you, "
                                        "or “radio-studio broker serve” for the commune's own broker, then try again.")),
    (e.BrokerNotInstalled,
     QT_TRANSLATE_NOOP("ErrorMessages", "The MQTT broker (Mosquitto) is not installed on this computer."),
     QT_TRANSLATE_NOOP("ErrorMessages", "Install the package “mosquitto”, or use the province's broker.")),
    (e.BrokerUnavailable,
     QT_TRANSLATE_NOOP("ErrorMessages", "The MQTT broker cannot be reached."),
     QT_TRANSLATE_NOOP("ErrorMessages", "Check the network and the broker's address. What was published waits in the "
                                        "outbox and is sent when the broker is back.")),
    (e.BrokerRefused,
     QT_TRANSLATE_NOOP("ErrorMessages", "The MQTT broker refused to create or change a receiver's account."),
     QT_TRANSLATE_NOOP("ErrorMessages", "Check that the studio's broker account is an administrator. Copy the "
                                        "details for technical support.")),
    (e.ReceiverUnreachable,
     QT_TRANSLATE_NOOP("ErrorMessages", "The receiver does not answer."),
     QT_TRANSLATE_NOOP("ErrorMessages",
                       "Check its power and network. What was published waits in the outbox and is sent when it is back.")),
    (e.ReceiverError,
     QT_TRANSLATE_NOOP("ErrorMessages", "The receiver refused the request."),
     QT_TRANSLATE_NOOP("ErrorMessages",
                       "Check the pairing code, or whether it was paired with another studio. Copy the details for support.")),
    (e.ReceiverFault,
     QT_TRANSLATE_NOOP("ErrorMessages", "The receiver reports a fault of its own."),
     QT_TRANSLATE_NOOP("ErrorMessages", "It keeps playing what it can. Copy the details for technical support.")),
    (e.NoSpeechSource,
     QT_TRANSLATE_NOOP("ErrorMessages", "This clip was recorded or imported, not made from text."),
     QT_TRANSLATE_NOOP("ErrorMessages", "Only bulletins made in Write a bulletin can be read again.")),
    (e.ProviderKeyMissing,
     QT_TRANSLATE_NOOP("ErrorMessages", "No API key has been entered for this speech service."),
     QT_TRANSLATE_NOOP("ErrorMessages", "Open Settings, Speech services, and enter the key from the provider's account.")),
    (e.ProviderAuthFailed,
     QT_TRANSLATE_NOOP("ErrorMessages", "The speech service refused the API key."),
     QT_TRANSLATE_NOOP("ErrorMessages", "Check the key in Settings, Speech services: it may be mistyped, expired or revoked.")),
    (e.ProviderQuotaExceeded,
     QT_TRANSLATE_NOOP("ErrorMessages", "The speech service account has used up its quota."),
     QT_TRANSLATE_NOOP("ErrorMessages", "Top up the account with the provider, or choose a voice of this computer for now.")),
    (e.ProviderRateLimited,
     QT_TRANSLATE_NOOP("ErrorMessages", "The speech service is receiving too many requests."),
     QT_TRANSLATE_NOOP("ErrorMessages", "Wait a minute and try again.")),
    (e.ProviderOffline,
     QT_TRANSLATE_NOOP("ErrorMessages", "The speech service cannot be reached (no Internet connection?)."),
     QT_TRANSLATE_NOOP("ErrorMessages", "The bulletin waits in the queue and is made when the connection is back; this computer's voice reads it meanwhile.")),
    (e.ProviderTimeout,
     QT_TRANSLATE_NOOP("ErrorMessages", "The speech service did not send the audio in time."),
     QT_TRANSLATE_NOOP("ErrorMessages", "Try again; a long text takes the service longer.")),
    (e.ProviderFailed,
     QT_TRANSLATE_NOOP("ErrorMessages", "The speech service could not read this text."),
     QT_TRANSLATE_NOOP("ErrorMessages", "Try again later, or choose a voice of this computer. Copy the details for technical support.")),
    (e.VoicePackInvalid,
     QT_TRANSLATE_NOOP("ErrorMessages", "“%1” is not a usable voice: the file is damaged, cut off or incomplete."),
     QT_TRANSLATE_NOOP("ErrorMessages",
                       "Copy the .onnx file again together with its .onnx.json, then install it again. Nothing was installed.")),
    (e.VoicePackExists,
     QT_TRANSLATE_NOOP("ErrorMessages", "A voice of this name is already installed."),
     QT_TRANSLATE_NOOP("ErrorMessages", "Remove the installed one first, or install it under another name.")),
    (e.VoicePackNotFound,
     QT_TRANSLATE_NOOP("ErrorMessages", "This voice is not installed."),
     QT_TRANSLATE_NOOP("ErrorMessages", "Choose another voice in the list.")),
    (e.SynthesisFailed,
     QT_TRANSLATE_NOOP("ErrorMessages", "The speech engine could not read this text."),
     QT_TRANSLATE_NOOP("ErrorMessages", "Try again, or shorten the text. Copy the details for technical support.")),
]
_UNEXPECTED = (
    QT_TRANSLATE_NOOP("ErrorMessages", "An unexpected error occurred."),
    QT_TRANSLATE_NOOP("ErrorMessages", "Your work is saved. Copy the details and send them to technical support."),
)


_DEVICE_MESSAGES = {
    e.DeviceProblem.NOT_FOUND: (
        QT_TRANSLATE_NOOP("ErrorMessages", "The microphone or speaker “%2” was not found."),
        QT_TRANSLATE_NOOP("ErrorMessages", "Plug it in and press Refresh, or choose another device.")),
    e.DeviceProblem.BUSY: (
        QT_TRANSLATE_NOOP("ErrorMessages", "The sound device “%2” is being used by another program."),
        QT_TRANSLATE_NOOP("ErrorMessages", "Close the other program (Zalo, a browser call…) and try again.")),
    e.DeviceProblem.PERMISSION: (
        QT_TRANSLATE_NOOP("ErrorMessages", "The studio is not allowed to use the sound device “%2”."),
        QT_TRANSLATE_NOOP("ErrorMessages", "Allow microphone access in the system's privacy settings.")),
    e.DeviceProblem.UNPLUGGED: (
        QT_TRANSLATE_NOOP("ErrorMessages", "The sound device “%2” was unplugged."),
        QT_TRANSLATE_NOOP("ErrorMessages", "What was recorded is kept. Plug it back in to go on.")),
}


# A receiver's own faults, by the protocol's code (crs_protocol.FaultCode), never its text.
_FAULT_MESSAGES = {
    FaultCode.OUTPUT_DEVICE: (
        QT_TRANSLATE_NOOP("ErrorMessages", "The receiver cannot open its sound output (amplifier or sound card)."),
        QT_TRANSLATE_NOOP("ErrorMessages",
                          "Check the cable to the amplifier and that the sound card is plugged in, then restart it.")),
    FaultCode.SCHEDULER: (
        QT_TRANSLATE_NOOP("ErrorMessages", "The receiver's player hit an unexpected error and carried on."),
        QT_TRANSLATE_NOOP("ErrorMessages", "If broadcasts are missed, restart the receiver and copy the details "
                                           "for technical support.")),
}
# Refusals that mean the receiver no longer trusts this studio: a state, not a retry.
_PAIRING_CODES = frozenset({ErrorCode.UNKNOWN_KEY, ErrorCode.NOT_PAIRED, ErrorCode.WRONG_RECEIVER})
_PAIRING_MESSAGE = (
    QT_TRANSLATE_NOOP("ErrorMessages", "The receiver no longer trusts this studio: it needs pairing again."),
    QT_TRANSLATE_NOOP("ErrorMessages", "Reset its pairing on the receiver, then pair it again with the code it shows."))

# %1: the address of the receiver already paired with the id, %2: the newcomer's address.
_ID_TAKEN_MESSAGE = (
    QT_TRANSLATE_NOOP("ErrorMessages", "The device at %2 claims to be the receiver already paired at %1. "
                                       "Nothing was changed."),
    QT_TRANSLATE_NOOP("ErrorMessages", "It may be a copy of that receiver's memory card or an impostor: check the "
                                       "device. If the receiver really moved, pair it again replacing the old "
                                       "address (radio-studio receivers add --replace)."))


def describe(exc: BaseException) -> tuple[str, str]:
    """(message, suggested action) for an exception, translated."""
    if isinstance(exc, e.ReceiverIdTaken):
        message = QCoreApplication.translate(_CONTEXT, _ID_TAKEN_MESSAGE[0])
        return (message.replace("%1", exc.existing_address).replace("%2", exc.new_address),
                QCoreApplication.translate(_CONTEXT, _ID_TAKEN_MESSAGE[1]))
    special = None
    if isinstance(exc, e.ReceiverFault) and exc.code in _FAULT_MESSAGES:
        special = _FAULT_MESSAGES[FaultCode(exc.code)]
    elif isinstance(exc, e.ReceiverError) and exc.code in _PAIRING_CODES:
        special = _PAIRING_MESSAGE
    if special is not None:
        return QCoreApplication.translate(_CONTEXT, special[0]), QCoreApplication.translate(_CONTEXT, special[1])
    if isinstance(exc, e.AudioDeviceError) and exc.problem in _DEVICE_MESSAGES:
        message, action = _DEVICE_MESSAGES[exc.problem]
        default = QCoreApplication.translate("ErrorMessages", "default device")
        return (QCoreApplication.translate(_CONTEXT, message).replace("%2", exc.device or default),
                QCoreApplication.translate(_CONTEXT, action))
    message, action = _UNEXPECTED
    for kind, kind_message, kind_action in _MESSAGES:
        if isinstance(exc, kind):
            message, action = kind_message, kind_action
            break
    path = getattr(exc, "path", None)
    file = path.name if isinstance(path, Path) else ""
    return (QCoreApplication.translate(_CONTEXT, message).replace("%1", file),
            QCoreApplication.translate(_CONTEXT, action))


class ErrorDialog(QDialog):
    """Non-modal: shows the message and action, with the technical details on request."""

    def __init__(self, exc: BaseException, details: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Something went wrong"))
        self.setModal(False)
        message, action = describe(exc)
        self.message_label = QLabel(f"<b>{message}</b>")
        self.message_label.setWordWrap(True)
        self.action_label = QLabel(action)
        self.action_label.setWordWrap(True)
        technical = exc.describe() if isinstance(exc, e.StudioError) else repr(exc)
        self.details = f"{technical}\n\n{details}".strip()
        self.details_view = QPlainTextEdit(self.details)
        self.details_view.setReadOnly(True)
        self.details_view.setVisible(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Close"))
        self.copy_button = QPushButton(self.tr("Copy details"))
        self.show_button = QPushButton(self.tr("Show details"))
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.show_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.close)
        self.copy_button.clicked.connect(self.copy_details)
        self.show_button.clicked.connect(lambda: self.details_view.setVisible(not self.details_view.isVisible()))
        layout = QVBoxLayout(self)
        layout.addWidget(self.message_label)
        layout.addWidget(self.action_label)
        layout.addWidget(self.details_view)
        layout.addWidget(buttons)
        self.resize(520, 180)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details)


class ErrorDialogs:
    """The error dialogs a panel has open: `show` is the `on_error` callback panels hand
    to the task runner. Closed dialogs are dropped from the list."""

    def __init__(self, parent: QWidget | None) -> None:
        self.parent = parent
        self._dialogs: list[ErrorDialog] = []

    def show(self, exc: BaseException, details: str = "") -> ErrorDialog:
        dialog = ErrorDialog(exc, details, self.parent)
        dialog.show()
        self._dialogs = self.visible() + [dialog]
        return dialog

    def visible(self) -> list[ErrorDialog]:
        return [d for d in self._dialogs if d.isVisible()]
