"""The broker errors the officer can meet (pairing a 4G receiver, a publish through a
broker) each get their own Vietnamese message and action, in the studio's error style."""

from __future__ import annotations


def test_broker_errors_have_their_own_vietnamese_messages(qtbot, studio_window):
    from studio.errors import (
        BrokerNotInstalled,
        BrokerRefused,
        BrokerUnavailable,
        InvalidBrokerAddress,
        NoBrokerAccount,
    )
    from ui.error_messages import describe

    message, action = describe(InvalidBrokerAddress("http://x/1", "expected mqtt://HOST:PORT/RECEIVER_ID"))
    assert "Địa chỉ máy chủ MQTT không hợp lệ" in message and "mqtt://ĐỊA_CHỈ:CỔNG/MÃ_THIẾT_BỊ" in action
    message, action = describe(NoBrokerAccount("tinh.example:1883"))
    assert "chưa có tài khoản" in message and "broker connect" in action and "broker serve" in action
    message, action = describe(BrokerNotInstalled("mosquitto", "install it"))
    assert "Mosquitto" in message and "mosquitto" in action
    message, action = describe(BrokerUnavailable("127.0.0.1:1883", "connection refused"))
    assert "Không kết nối được tới máy chủ MQTT" in message and "hàng đợi" in action
    message, _ = describe(BrokerRefused("createClient", "denied"))
    assert "từ chối" in message
