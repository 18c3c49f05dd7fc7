"""kombu's Redis transport, made to survive losing Redis at a bad moment.

When Redis goes away while the worker holds unacknowledged messages, the
worker closes its channel. kombu (5.7) then still talks to Redis through
that closed channel twice: to put the unacknowledged messages back, and to
acknowledge a task that finishes after the reconnect. Both raise
AttributeError (the channel has no connection any more), which Celery
treats as unrecoverable, and the worker exits instead of carrying on (seen
in tests/faults/test_redis_restarts.py). The messages are safe either way:
they stay in Redis' unacked set and come back after the visibility
timeout, and the story's status row makes a second delivery a no-op. So
these attempts may fail quietly, on a closed channel only.
"""

import logging
from typing import Any

from kombu.transport import redis, virtual

logger = logging.getLogger(__name__)


class QoS(redis.QoS):
    def _channel_closed(self) -> bool:
        # Closing leaves either the channel without its transport or the
        # transport without its connection, depending on which closed first.
        transport = getattr(self.channel, "connection", None)
        return transport is None or getattr(transport, "client", None) is None

    def restore_unacked(self, client: Any = None) -> Any:
        try:
            return super().restore_unacked(client)
        except AttributeError:
            if not self._channel_closed():
                raise
            logger.warning(
                "broker connection gone while restoring %d unacknowledged message(s); "
                "they return after the visibility timeout",
                len(self._delivered or ()),
            )
            if self._delivered is not None:
                self._delivered.clear()
            return None

    def ack(self, delivery_tag: Any) -> None:
        try:
            super().ack(delivery_tag)
        except AttributeError:
            if not self._channel_closed():
                raise
            self._forget_on_closed_channel(delivery_tag, "acknowledge")

    def reject(self, delivery_tag: Any, requeue: bool = False) -> None:
        try:
            super().reject(delivery_tag, requeue=requeue)
        except AttributeError:
            if not self._channel_closed():
                raise
            self._forget_on_closed_channel(delivery_tag, "reject")

    def _forget_on_closed_channel(self, delivery_tag: Any, action: str) -> None:
        logger.warning(
            "broker connection gone before a message could be %sd; "
            "it returns after the visibility timeout",
            action,
        )
        # Drop only this channel's own bookkeeping; Redis keeps the message.
        virtual.QoS.ack(self, delivery_tag)


class Channel(redis.Channel):
    QoS = QoS


class Transport(redis.Transport):
    Channel = Channel
