"""Read and delete one audio object with the recognition user's narrow permissions.

nats.py's `ObjectStore.get` reads chunks through an ordered push consumer, which needs
`$JS.API.STREAM.NAMES`, unnamed consumer creation and flow-control subjects. Reading the chunks
by `next_by_subj` message gets needs only `$JS.API.STREAM.MSG.GET.OBJ_audio`, which the user
already has for the object's metadata — so the permission set stays as small as it was.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib

from nats.js.client import JetStreamContext
from nats.js.errors import NotFoundError, ObjectNotFoundError
from nats.js.object_store import ObjectStore

OBJ_DIGEST_PREFIX = "SHA-256="


class ObjectCorruptError(Exception):
    """Metadata and chunks disagree (size, count or digest)."""


class AudioObjects:
    def __init__(self, js: JetStreamContext, bucket: str) -> None:
        self._js = js
        self._bucket = bucket
        self._stream = f"OBJ_{bucket}"
        self._store: ObjectStore | None = None

    async def _objects(self) -> ObjectStore:
        if self._store is None:
            self._store = await self._js.object_store(self._bucket)
        return self._store

    async def read(self, key: str) -> bytes:
        """The object's bytes, digest-checked. Raises ObjectNotFoundError when absent/deleted."""
        info = await (await self._objects()).get_info(key)
        chunks = int(info.chunks or 0)
        subject = f"$O.{self._bucket}.C.{info.nuid}"
        data = bytearray()
        seq = 0
        for _ in range(chunks):
            try:
                msg = await self._js.get_msg(self._stream, seq=seq + 1, subject=subject, next=True)
            except NotFoundError:
                raise ObjectCorruptError("missing chunk") from None
            data += msg.data or b""
            seq = int(msg.seq or 0)
        if len(data) != int(info.size or 0):
            raise ObjectCorruptError("size differs from metadata")
        digest = (info.digest or "").removeprefix(OBJ_DIGEST_PREFIX).removeprefix(
            OBJ_DIGEST_PREFIX.lower())
        if base64.urlsafe_b64decode(digest) != hashlib.sha256(data).digest():
            raise ObjectCorruptError("digest differs from metadata")
        return bytes(data)

    async def delete(self, key: str) -> None:
        """Delete (purges the chunks); an absent object is fine: absent is the goal."""
        with contextlib.suppress(ObjectNotFoundError, NotFoundError):
            await (await self._objects()).delete(key)
