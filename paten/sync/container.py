"""The bundle file: a tar stream with a clear header, encrypted members and a signed manifest.

Layout (docs/sync.md §4), in this order::

    paten-bundle.json       clear header (format, kind, sender, receiver, sequence)
    key.json                the content key sealed to the receiver (crypto.wrap_content_key)
    files/<keyed name>      file contents, encrypted, each distinct content once
    records/NNN-<label>.ndjson   NDJSON records, compressed then encrypted
    manifest.json           canonical JSON of the manifest
    manifest.sig            Ed25519 signature of manifest.json by the sender, base64

The manifest names every member before it through a running digest: SHA-256 over one
line ``<name>\\t<size>\\t<sha256 of the stored bytes>\\n`` per member, in order, so the
reader checks any number of members with constant memory. Writing and reading stream
front to back; only a records member is staged in a temporary file first (a tar header
needs the member's size).

Nothing here knows about Django models; ``export`` and ``imports`` fill and drain it.
"""

import contextlib
import functools
import hashlib
import io
import json
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from . import crypto
from .constants import BUNDLE_FORMAT, Refusal

HEADER = "paten-bundle.json"
KEY = "key.json"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
FILES = "files/"
RECORDS = "records/"
_SMALL = 1024 * 1024  # header, key and manifest are read whole; refuse bigger ones
_READ = 64 * 1024


class BundleRefused(Exception):
    """The bundle is refused as a whole; ``reason`` is a ``Refusal`` value."""

    def __init__(self, reason: str, detail: str = ""):
        self.reason = reason
        self.detail = detail
        super().__init__(f"{reason}: {detail}" if detail else reason)

    @property
    def message(self) -> str:
        text = str(Refusal(self.reason).label)
        return f"{text} {self.detail}".strip()


def canonical(document: dict) -> bytes:
    return json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


class _Digest:
    """The running digest of the member list."""

    def __init__(self):
        self.hash = hashlib.sha256()
        self.count = 0

    def add(self, name: str, size: int, sha256: str) -> None:
        self.hash.update(f"{name}\t{size}\t{sha256}\n".encode())
        self.count += 1

    def hexdigest(self) -> str:
        return self.hash.hexdigest()


class _IterReader(io.RawIOBase):
    """A read-only file over an iterator of bytes, hashing what passes through."""

    def __init__(self, chunks: Iterable[bytes]):
        self._chunks = iter(chunks)
        self._buffer = b""
        self.sha256 = hashlib.sha256()
        self.size = 0

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        while n < 0 or len(self._buffer) < n:
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            self._buffer += chunk
        if n < 0:
            data, self._buffer = self._buffer, b""
        else:
            data, self._buffer = self._buffer[:n], self._buffer[n:]
        self.sha256.update(data)
        self.size += len(data)
        return data


class BundleWriter:
    """Write one bundle to ``path``; call ``add_file``/``add_records`` then ``finish``."""

    def __init__(
        self,
        path: Path | str,
        *,
        header: dict,
        receiver: X25519PublicKey,
        signing_key: Ed25519PrivateKey,
    ):
        self.path = Path(path)
        self.header = {"format": BUNDLE_FORMAT, **header}
        self.content_key = crypto.new_content_key()
        self._signing_key = signing_key
        self._digest = _Digest()
        self._member = 0
        self._records_number = 0
        self._files: set[str] = set()
        self._handle = self.path.open("wb")
        self._tar = tarfile.open(fileobj=self._handle, mode="w|", format=tarfile.PAX_FORMAT)
        self._add_bytes(HEADER, canonical(self.header))
        ephemeral, sealed = crypto.wrap_content_key(self.content_key, receiver)
        self._add_bytes(KEY, canonical({"ephemeral": _b64(ephemeral), "sealed": _b64(sealed)}))

    # -- members -------------------------------------------------------------------------
    def _add_stream(self, name: str, size: int, chunks: Iterable[bytes]) -> None:
        info = tarfile.TarInfo(name)
        info.size = size
        info.mode = 0o600
        reader = _IterReader(chunks)
        self._tar.addfile(info, reader)
        if reader.size != size:
            raise ValueError(f"{name}: wrote {reader.size} bytes, announced {size}")
        self._digest.add(name, size, reader.sha256.hexdigest())

    def _add_bytes(self, name: str, data: bytes) -> None:
        self._add_stream(name, len(data), [data])

    def has_file(self, sha256: str) -> bool:
        return sha256 in self._files

    def add_file(self, *, sha256: str, size: int, chunks: Iterable[bytes]) -> None:
        """One file content, added once per bundle whatever the number of records using it."""
        if sha256 in self._files:
            return
        self._member += 1
        name = FILES + crypto.keyed_file_name(self.content_key, sha256)
        checked = _checked(chunks, sha256=sha256, size=size)
        encrypted = crypto.encrypt_chunks(self.content_key, self._member, name, checked)
        self._add_stream(name, crypto.ciphertext_size(size), encrypted)
        self._files.add(sha256)

    def add_records(self, label: str, lines: Iterable[bytes]) -> int:
        """One model's NDJSON lines (each ending in a newline); returns how many."""
        self._member += 1
        self._records_number += 1
        name = f"{RECORDS}{self._records_number:03d}-{label}.ndjson"
        count = 0
        with tempfile.TemporaryFile(dir=self.path.parent) as staged:
            compressor = zlib.compressobj(6)

            def compressed() -> Iterator[bytes]:
                nonlocal count
                for line in lines:
                    count += 1
                    out = compressor.compress(line)
                    if out:
                        yield out
                yield compressor.flush()

            size = 0
            for piece in crypto.encrypt_chunks(self.content_key, self._member, name, compressed()):
                staged.write(piece)
                size += len(piece)
            staged.seek(0)
            self._add_stream(name, size, iter(lambda: staged.read(_READ), b""))
        return count

    def finish(self, manifest: dict) -> str:
        """Sign and write the manifest; returns the bundle hash (SHA-256 of the manifest)."""
        document = {
            **manifest,
            **{k: self.header[k] for k in self.header},
            "members": {"count": self._digest.count, "digest": self._digest.hexdigest()},
        }
        data = canonical(document)
        self._add_bytes(MANIFEST, data)
        self._add_bytes(SIGNATURE, _b64(self._signing_key.sign(data)).encode("ascii"))
        self._tar.close()
        self._handle.close()
        return hashlib.sha256(data).hexdigest()

    def abort(self) -> None:
        self._tar.close()
        self._handle.close()
        self.path.unlink(missing_ok=True)


def _checked(chunks: Iterable[bytes], *, sha256: str, size: int) -> Iterator[bytes]:
    digest = hashlib.sha256()
    seen = 0
    for chunk in chunks:
        digest.update(chunk)
        seen += len(chunk)
        yield chunk
    if seen != size or digest.hexdigest() != sha256:
        raise ValueError(f"file content {sha256[:12]}… changed: it no longer matches its hash")


def _b64(data: bytes) -> str:
    import base64

    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    import base64
    import binascii

    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError, TypeError):
        raise BundleRefused(Refusal.MALFORMED, "bad base64") from None


# -- reading ---------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifiedBundle:
    path: Path
    header: dict
    manifest: dict
    bundle_hash: str
    size: int


@contextlib.contextmanager
def _reading():
    """Turn what tarfile, zlib and the ciphers raise on a damaged file into a refusal."""
    try:
        yield
    except BundleRefused:
        raise
    except crypto.DecryptionError as error:
        raise BundleRefused(Refusal.TAMPERED, str(error)) from None
    except zlib.error as error:
        raise BundleRefused(Refusal.TAMPERED, f"compressed data: {error}") from None
    except (EOFError, tarfile.ReadError) as error:
        text = str(error)
        if "checksum" in text:
            raise BundleRefused(Refusal.TAMPERED, text) from None
        if "empty file" in text or "invalid header" in text or "not a" in text:
            raise BundleRefused(Refusal.MALFORMED, text) from None
        raise BundleRefused(Refusal.TRUNCATED, text or "unexpected end of data") from None
    except tarfile.TarError as error:
        raise BundleRefused(Refusal.MALFORMED, str(error)) from None


def _members(path: Path) -> Iterator[tuple[tarfile.TarInfo, tarfile.TarFile]]:
    with path.open("rb") as handle, tarfile.open(fileobj=handle, mode="r|") as tar:
        for info in tar:
            if not info.isfile():
                raise BundleRefused(Refusal.MALFORMED, f"unexpected member {info.name!r}")
            yield info, tar


def _read_all(tar: tarfile.TarFile, info: tarfile.TarInfo) -> bytes:
    if info.size > _SMALL:
        raise BundleRefused(Refusal.MALFORMED, f"{info.name} is too large")
    handle = tar.extractfile(info)
    data = handle.read() if handle is not None else b""
    if len(data) != info.size:
        raise BundleRefused(Refusal.TRUNCATED, info.name)
    return data


def _json(data: bytes, what: str) -> dict:
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BundleRefused(Refusal.MALFORMED, f"{what} is not JSON") from None
    if not isinstance(document, dict):
        raise BundleRefused(Refusal.MALFORMED, f"{what} is not an object")
    return document


def read_header(path: Path | str) -> dict:
    """The clear header, without checking anything else (to name and route a bundle)."""
    with _reading():
        for info, tar in _members(Path(path)):
            if info.name != HEADER:
                break
            header = _json(_read_all(tar, info), "the header")
            if header.get("format") != BUNDLE_FORMAT:
                break
            return header
    raise BundleRefused(Refusal.MALFORMED, "no PATEN header")


def verify(path: Path | str, *, key_for: Callable[[dict], Ed25519PublicKey]) -> VerifiedBundle:
    """Pass 1: hash every member, check the signed manifest; nothing is decrypted.

    ``key_for(header)`` returns the public key the sender must have signed with, or
    raises ``BundleRefused`` (unknown sender, revoked, …) — so a foreign bundle is
    refused before its manifest is even read.
    """
    path = Path(path)
    digest = _Digest()
    header = manifest_bytes = signature = public_key = None
    size = 0
    with _reading():
        for info, tar in _members(path):
            size += info.size
            if header is None:
                if info.name != HEADER:
                    raise BundleRefused(Refusal.MALFORMED, "no PATEN header")
                data = _read_all(tar, info)
                header = _json(data, "the header")
                if header.get("format") != BUNDLE_FORMAT:
                    raise BundleRefused(Refusal.MALFORMED, f"format {header.get('format')!r}")
                public_key = key_for(header)
                digest.add(info.name, info.size, hashlib.sha256(data).hexdigest())
            elif info.name == MANIFEST and manifest_bytes is None:
                manifest_bytes = _read_all(tar, info)
            elif info.name == SIGNATURE and manifest_bytes is not None and signature is None:
                signature = _unb64(_read_all(tar, info).decode("ascii", "replace"))
            elif manifest_bytes is not None:
                raise BundleRefused(Refusal.TAMPERED, f"{info.name} after the manifest")
            else:
                handle = tar.extractfile(info)
                sha = hashlib.sha256()
                read = 0
                for chunk in iter(functools.partial(handle.read, _READ), b""):
                    sha.update(chunk)
                    read += len(chunk)
                if read != info.size:
                    raise BundleRefused(Refusal.TRUNCATED, info.name)
                digest.add(info.name, info.size, sha.hexdigest())
    if header is None:
        raise BundleRefused(Refusal.MALFORMED, "empty file")
    if manifest_bytes is None or signature is None:
        raise BundleRefused(Refusal.TRUNCATED, "no signed manifest at the end")
    try:
        public_key.verify(signature, manifest_bytes)
    except InvalidSignature:
        raise BundleRefused(Refusal.BAD_SIGNATURE) from None
    manifest = _json(manifest_bytes, "the manifest")
    members = manifest.get("members") or {}
    if members.get("count") != digest.count or members.get("digest") != digest.hexdigest():
        raise BundleRefused(Refusal.TAMPERED, "the members differ from the manifest")
    if any(manifest.get(k) != v for k, v in header.items()):
        raise BundleRefused(Refusal.TAMPERED, "the header differs from the manifest")
    return VerifiedBundle(
        path=path,
        header=header,
        manifest=manifest,
        bundle_hash=hashlib.sha256(manifest_bytes).hexdigest(),
        size=size,
    )


@dataclass(frozen=True)
class Member:
    kind: str  # "file" or "records"
    name: str
    label: str  # records: app_label.model; files: the keyed name
    chunks: Iterator[bytes]
    check: Callable[[str], bool] | None = None


def open_members(bundle: VerifiedBundle, *, private: X25519PrivateKey) -> Iterator[Member]:
    """Pass 2: each encrypted member, decrypted on the fly, in file order.

    A record member's ``chunks`` are its decompressed NDJSON bytes; a file member's are
    its content, and ``check(sha256)`` tells whether that content belongs under the
    member's name. Consume each member before asking for the next (the tar is a stream).
    """
    content_key = None
    number = 0
    with _reading():
        for info, tar in _members(bundle.path):
            if info.name in (HEADER, MANIFEST, SIGNATURE):
                continue
            if info.name == KEY:
                sealed = _json(_read_all(tar, info), "the key")
                content_key = crypto.unwrap_content_key(
                    _unb64(sealed.get("ephemeral", "")), _unb64(sealed.get("sealed", "")), private
                )
                continue
            if content_key is None:
                raise BundleRefused(Refusal.MALFORMED, "no content key")
            number += 1
            handle = tar.extractfile(info)
            plain = crypto.decrypt_chunks(content_key, number, info.name, handle.read, info.size)
            if info.name.startswith(FILES):
                label = info.name.removeprefix(FILES)
                key = content_key
                yield Member(
                    "file",
                    info.name,
                    label,
                    plain,
                    lambda sha, key=key, label=label: crypto.keyed_file_name(key, sha) == label,
                )
            elif info.name.startswith(RECORDS):
                label = info.name.removeprefix(RECORDS).split("-", 1)[-1].removesuffix(".ndjson")
                yield Member("records", info.name, label, _inflate(plain))
            else:
                raise BundleRefused(Refusal.MALFORMED, f"unexpected member {info.name!r}")


def _inflate(chunks: Iterator[bytes]) -> Iterator[bytes]:
    decompressor = zlib.decompressobj()
    for chunk in chunks:
        out = decompressor.decompress(chunk, _READ * 16)
        if out:
            yield out
        while decompressor.unconsumed_tail:
            yield decompressor.decompress(decompressor.unconsumed_tail, _READ * 16)
    rest = decompressor.flush()
    if rest:
        yield rest


def lines(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """Split a byte stream into lines (without the newline)."""
    pending = b""
    for chunk in chunks:
        pending += chunk
        *complete, pending = pending.split(b"\n")
        yield from complete
    if pending:
        yield pending
