"""The installation's Ed25519 key that signs the audit checkpoints.

The private key never lives in the database (a copy of the database must not let anyone
sign checkpoints in this installation's name). It comes from ``PATEN_AUDIT_SIGNING_KEY``
(the base64 of the 32-byte private key) when set, else from a PEM file,
``PATEN_AUDIT_KEY_FILE`` (default ``<PATEN_VAR_DIR>/audit/signing-key.pem``), created with
mode 0600 by the first ``migrate`` (``post_migrate``) or the first checkpoint; several
processes starting at once agree on one key (written to a private temporary file and
linked into place).

The key's name in signed notes is ``PATEN_AUDIT_ORIGIN`` (default ``paten/audit``); the
origin of a chain's checkpoints is ``<PATEN_AUDIT_ORIGIN>/<chain id>``.
"""

import base64
import contextlib
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from .verify_export import VerifierKey, sign_note, verifier_key

ENV_KEY = "PATEN_AUDIT_SIGNING_KEY"


def key_file() -> Path:
    configured = getattr(settings, "PATEN_AUDIT_KEY_FILE", "")
    return Path(configured) if configured else Path(settings.VAR_DIR) / "audit" / "signing-key.pem"


def key_name() -> str:
    name = getattr(settings, "PATEN_AUDIT_ORIGIN", "") or "paten/audit"
    if any(c.isspace() for c in name) or "+" in name:
        raise ImproperlyConfigured("PATEN_AUDIT_ORIGIN may contain neither spaces nor '+'")
    return name


def origin_for(chain_id: str) -> str:
    return f"{key_name()}/{chain_id}"


def ensure_key_file() -> Path | None:
    """Create the key file if there is none (and no key in the environment)."""
    if os.environ.get(ENV_KEY):
        return None
    path = key_file()
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".key-")
    try:
        os.fchmod(descriptor, 0o600)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pem)
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
    return path


def signing_key() -> Ed25519PrivateKey:
    encoded = os.environ.get(ENV_KEY, "").strip()
    if encoded:
        try:
            return Ed25519PrivateKey.from_private_bytes(base64.b64decode(encoded, validate=True))
        except ValueError as error:
            raise ImproperlyConfigured(f"{ENV_KEY} is not a base64 Ed25519 key") from error
    path = ensure_key_file()
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured(f"{path} is not an Ed25519 private key")
    return key


def public_bytes() -> bytes:
    return (
        signing_key()
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )


def public_verifier_key() -> str:
    """The one line an inspector needs: ``<name>+<key id>+<base64 key>``."""
    return verifier_key(key_name(), public_bytes())


def verifier() -> VerifierKey:
    return VerifierKey.parse(public_verifier_key())


def sign(text: str) -> str:
    key = signing_key()

    def _sign(message: bytes):
        return public_bytes(), key.sign(message)

    return sign_note(text, key_name(), _sign)


def create_key_after_migrate(sender, **kwargs) -> None:
    ensure_key_file()
