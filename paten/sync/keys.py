"""This installation's keys for sync: Ed25519 to sign bundles, X25519 to receive them.

Private keys never live in the database (a copy of the database must not let anyone
sign or read bundles in this installation's name). They are PEM files under
``PATEN_SYNC_KEY_DIR`` (default ``<PATEN_VAR_DIR>/sync/keys``), created with mode 0600
the first time they are needed; several processes starting at once agree on one key
(written to a private temporary file and linked into place).
"""

import base64
import contextlib
import hashlib
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

SIGNING_FILE = "signing-key.pem"
ENCRYPTION_FILE = "encryption-key.pem"


def key_dir() -> Path:
    configured = getattr(settings, "PATEN_SYNC_KEY_DIR", "")
    return Path(configured) if configured else Path(settings.VAR_DIR) / "sync" / "keys"


def _pem(key) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _ensure(path: Path, generate) -> None:
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".key-")
    try:
        os.fchmod(descriptor, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(_pem(generate()))
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def _load(name: str, generate, kind):
    path = key_dir() / name
    _ensure(path, generate)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, kind):
        raise ImproperlyConfigured(f"{path} is not a {kind.__name__}")
    return key


def signing_key() -> Ed25519PrivateKey:
    return _load(SIGNING_FILE, Ed25519PrivateKey.generate, Ed25519PrivateKey)


def encryption_key() -> X25519PrivateKey:
    return _load(ENCRYPTION_FILE, X25519PrivateKey.generate, X25519PrivateKey)


def raw_public(key) -> bytes:
    public = key.public_key() if hasattr(key, "public_key") else key
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def signing_public_b64() -> str:
    return b64(raw_public(signing_key()))


def encryption_public_b64() -> str:
    return b64(raw_public(encryption_key()))


def ed25519_public(text: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(unb64(text))


def x25519_public(text: str) -> X25519PublicKey:
    return X25519PublicKey.from_public_bytes(unb64(text))


def fingerprint(signing_b64: str, encryption_b64: str) -> str:
    """Sixteen hex digits in four groups: what two people compare over the phone."""
    digest = hashlib.sha256(unb64(signing_b64) + unb64(encryption_b64)).hexdigest()[:16].upper()
    return " ".join(digest[i : i + 4] for i in range(0, 16, 4))
