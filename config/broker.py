"""kombu's Redis transport, made to survive losing Redis at a bad moment.

When Redis goes away while the worker holds unacknowledged messages, the
worker closes its channel and kombu (5.7) tries to put those messages back
through the connection it has just dropped; that raises AttributeError,
which Celery treats as unrecoverable, and the worker exits instead of
reconnecting (seen in tests/faults/test_redis_restarts.py). The messages
are safe either way: they stay in Redis' unacked set and come back after
the visibility timeout. So that attempt may fail quietly.
"""

import logging
from typing import Any

from kombu.transport import redis

logger = logging.getLogger(__name__)


class QoS(redis.QoS):
    def restore_unacked(self, client: Any = None) -> Any:
        try:
            return super().restore_unacked(client)
        except AttributeError:
            logger.warning(
                "broker connection gone while restoring %d unacknowledged message(s); "
                "they return after the visibility timeout",
                len(self._delivered or ()),
            )
            if self._delivered is not None:
                self._delivered.clear()
            return None


class Channel(redis.Channel):
    QoS = QoS


class Transport(redis.Transport):
    Channel = Channel
