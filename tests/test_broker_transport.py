"""config/broker.py: a task that finishes after Redis dropped the worker's
channel must not take the worker down with it (the failure behind
tests/faults/test_redis_restarts.py)."""

import logging
from typing import Any

import kombu
import pytest
import redis

from tests.support.servers import redis_server


def _message_on_a_dropped_channel(
    transport: str, url: str, dropped: str = "channel"
) -> kombu.Message:
    """A received, unacknowledged message whose channel is in a state the
    worker leaves it in after losing Redis (both seen in tracebacks of
    workers that died): no pool, and either the channel has lost its
    transport or the transport its connection."""
    connection = kombu.Connection(url, transport=transport)
    queue = kombu.Queue("broker-transport-test", routing_key="broker-transport-test")
    with connection.Producer() as producer:
        producer.publish({"n": 1}, routing_key=queue.routing_key, declare=[queue])
    # Any: the private kombu calls below are what the worker's own close does.
    channel: Any = connection.channel()
    message = queue(channel).get(no_ack=False)
    assert message is not None
    channel._disconnect_pools()
    if dropped == "channel":
        connection.transport.close_channel(channel)
    else:
        connection.transport.client = None
    return message


def test_stock_kombu_raises_when_settling_on_a_dropped_channel():
    with redis_server() as server:
        message = _message_on_a_dropped_channel("redis", server.url)
        with pytest.raises(AttributeError):
            message.ack()
        # Or kombu tries again, and fails again, when the process exits.
        message.channel.qos._delivered.clear()


@pytest.mark.parametrize("dropped", ["channel", "transport"])
@pytest.mark.parametrize("settle", ["ack", "reject", "requeue"])
def test_settling_on_a_dropped_channel_is_logged_and_the_message_kept(settle, dropped, caplog):
    with redis_server() as server:
        message = _message_on_a_dropped_channel("config.broker:Transport", server.url, dropped)
        with caplog.at_level(logging.WARNING, logger="config.broker"):
            getattr(message, settle)()
        assert "broker connection gone before a message could be" in caplog.text
        # Still in Redis' unacked set: a worker gets it again after the
        # visibility timeout.
        unacked = redis.Redis.from_url(server.url).hkeys("unacked")
        assert [tag.decode() for tag in unacked] == [message.delivery_tag]
