"""Envelope encryption of a bundle's members (docs/sync.md §4), with ``cryptography`` only.

A random 32-byte content key per bundle is wrapped to the receiver's X25519 public key:
an ephemeral X25519 key agrees a secret with it, HKDF-SHA256 turns that into a wrapping
key, and ChaCha20-Poly1305 seals the content key.

Each member is encrypted with the content key in chunks of ``CHUNK`` bytes by
ChaCha20-Poly1305 whose 96-bit nonce is the member number (32 bits), the chunk number
(56 bits) and a final-chunk flag (8 bits): the STREAM construction (Hoang, Reyhanitabar,
Rogaway and Vizár, 2015; the one *age* uses), so a member cut short, with chunks
reordered or spliced from another member fails to decrypt. The member name is the
associated data. Memory holds one chunk at a time.
"""

import hashlib
import hmac
from collections.abc import Callable, Iterable, Iterator

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

CHUNK = 64 * 1024
TAG = 16
_WRAP_INFO = b"paten-sync/1 content key"


class DecryptionError(ValueError):
    """A member (or the wrapped key) does not decrypt: changed, cut or not ours."""


def _raw(public: X25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _wrapping_key(shared: bytes, ephemeral: bytes, receiver: bytes) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=ephemeral + receiver, info=_WRAP_INFO
    ).derive(shared)


def new_content_key() -> bytes:
    return ChaCha20Poly1305.generate_key()


def wrap_content_key(content_key: bytes, receiver: X25519PublicKey) -> tuple[bytes, bytes]:
    """``(ephemeral public key, sealed content key)`` for ``receiver``."""
    ephemeral = X25519PrivateKey.generate()
    ephemeral_raw, receiver_raw = _raw(ephemeral.public_key()), _raw(receiver)
    key = _wrapping_key(ephemeral.exchange(receiver), ephemeral_raw, receiver_raw)
    return ephemeral_raw, ChaCha20Poly1305(key).encrypt(b"\0" * 12, content_key, receiver_raw)


def unwrap_content_key(ephemeral_raw: bytes, sealed: bytes, private: X25519PrivateKey) -> bytes:
    receiver_raw = _raw(private.public_key())
    try:
        shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral_raw))
        key = _wrapping_key(shared, ephemeral_raw, receiver_raw)
        return ChaCha20Poly1305(key).decrypt(b"\0" * 12, sealed, receiver_raw)
    except (InvalidTag, ValueError) as error:
        raise DecryptionError("the content key is not sealed to this installation") from error


def _nonce(member: int, chunk: int, last: bool) -> bytes:
    return member.to_bytes(4, "big") + chunk.to_bytes(7, "big") + (b"\x01" if last else b"\x00")


def ciphertext_size(plain_size: int) -> int:
    chunks = max(1, -(-plain_size // CHUNK))
    return plain_size + TAG * chunks


def encrypt_chunks(
    content_key: bytes, member: int, name: str, chunks: Iterable[bytes]
) -> Iterator[bytes]:
    """Ciphertext of the concatenated ``chunks`` (re-cut into ``CHUNK`` pieces)."""
    aead = ChaCha20Poly1305(content_key)
    aad = name.encode("utf-8")
    buffer = bytearray()
    number = 0
    for piece in chunks:
        buffer += piece
        # Keep at least one full chunk back: only at the end do we know which is last.
        while len(buffer) > CHUNK:
            yield aead.encrypt(_nonce(member, number, False), bytes(buffer[:CHUNK]), aad)
            del buffer[:CHUNK]
            number += 1
    yield aead.encrypt(_nonce(member, number, True), bytes(buffer), aad)


def decrypt_chunks(
    content_key: bytes, member: int, name: str, read: Callable[[int], bytes], size: int
) -> Iterator[bytes]:
    """Plaintext of a member of ``size`` ciphertext bytes read through ``read``."""
    aead = ChaCha20Poly1305(content_key)
    aad = name.encode("utf-8")
    remaining = size
    number = 0
    while True:
        want = min(CHUNK + TAG, remaining)
        data = read(want)
        if len(data) != want or want < TAG:
            raise DecryptionError(f"{name}: the member ends early")
        remaining -= want
        last = remaining == 0
        try:
            yield aead.decrypt(_nonce(member, number, last), data, aad)
        except InvalidTag as error:
            raise DecryptionError(f"{name}: chunk {number} does not decrypt") from error
        if last:
            return
        number += 1


def keyed_file_name(content_key: bytes, sha256_hex: str) -> str:
    """A file member's name: content-addressed, but only under this bundle's key."""
    return hmac.new(content_key, b"file:" + bytes.fromhex(sha256_hex), hashlib.sha256).hexdigest()
