#!/usr/bin/env python3
"""Verify an exported PATEN audit log without Django and without trusting its database.

An inspector needs three things, none of which come from the database that is checked:

- the export: one NDJSON file per chain, written by ``manage.py audit_export``;
- the checkpoints: the signed notes published on the public audit page (``/audit/``), as
  kept by a witness (the inspektorat receives them by e-mail), one or more per file;
- the installation's public key, as printed by ``manage.py audit_public_key`` (the
  verifier-key line ``<name>+<key id>+<base64 key>``).

Usage (plain Python 3.11 and the ``cryptography`` package)::

    python verify_export.py --key 'paten.example/audit+1a2b3c4d+AQ…' \\
        --checkpoint checkpoints/*.txt -- export/*.ndjson

Every file is read line by line: memory stays constant whatever the size of the log.
The exit status is 0 when every chain verifies and every checkpoint matches, 1 otherwise;
each problem is printed with the chain, the sequence number and the reason.

This module is also the single definition of the formats, imported by ``paten.audit``:

Event hash (one chain)
    ``hash = sha256(prev_hash + canonical_json)`` in lower-case hex, where ``prev_hash`` is
    the previous event's hash (64 zeros for the first event of a chain) and
    ``canonical_json`` is the event's document (:data:`CANONICAL_KEYS`) serialised with
    ``json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False,
    allow_nan=False)`` and encoded as UTF-8.

Checkpoint (C2SP tlog-checkpoint, a C2SP signed note)
    The note text is three lines: the origin ``<prefix>/<chain id>``, the chain's size in
    decimal, and the head hash (the hash of event number ``size``, or 32 zero bytes for an
    empty chain) in standard base64; then an empty line and one signature line
    ``— <key name> <base64(key id || Ed25519 signature of the note text)>`` where the key id
    is the first four bytes of ``sha256(key name || 0x0A || 0x01 || public key)``.

A export line is the canonical document plus ``prev_hash`` and ``hash``.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
from dataclasses import dataclass, field

GENESIS_HASH = "0" * 64
EMPTY_HEAD = bytes(32)
SIGNATURE_PREFIX = "\u2014 "  # an em dash and a space start every signature line
ED25519_ALGORITHM = 0x01

# The keys of the hashed document, in the order they are listed in the docs.
CANONICAL_KEYS = (
    "id",
    "chain",
    "sequence",
    "timestamp",
    "actor",
    "action",
    "target_type",
    "target_id",
    "kecamatan",
    "payload",
)


def canonical_json(document: dict) -> str:
    """The canonical text of an event document (only :data:`CANONICAL_KEYS` are kept)."""
    return json.dumps(
        {key: document[key] for key in CANONICAL_KEYS},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )


def event_hash(prev_hash: str, document: dict) -> str:
    return hashlib.sha256((prev_hash + canonical_json(document)).encode("utf-8")).hexdigest()


def head_bytes(head_hash: str | None) -> bytes:
    return bytes.fromhex(head_hash) if head_hash and head_hash != GENESIS_HASH else EMPTY_HEAD


# -- signed notes -----------------------------------------------------------------------


def key_id(name: str, public_key: bytes) -> bytes:
    return hashlib.sha256(
        name.encode("utf-8") + b"\n" + bytes([ED25519_ALGORITHM]) + public_key
    ).digest()[:4]


def verifier_key(name: str, public_key: bytes) -> str:
    """The one-line public key: ``<name>+<hex key id>+<base64(0x01 || key)>``."""
    encoded = base64.b64encode(bytes([ED25519_ALGORITHM]) + public_key).decode("ascii")
    return f"{name}+{key_id(name, public_key).hex()}+{encoded}"


@dataclass(frozen=True)
class VerifierKey:
    name: str
    key_id: bytes
    public_key: bytes

    @classmethod
    def parse(cls, text: str) -> VerifierKey:
        try:
            name, hex_id, encoded = text.strip().split("+", 2)
            raw = base64.b64decode(encoded, validate=True)
            identifier = bytes.fromhex(hex_id)
        except ValueError as error:
            raise ValueError(f"not a verifier key: {text!r}") from error
        if not name or len(raw) != 33 or raw[0] != ED25519_ALGORITHM or len(identifier) != 4:
            raise ValueError(f"not an Ed25519 verifier key: {text!r}")
        if key_id(name, raw[1:]) != identifier:
            raise ValueError("the verifier key's id does not match its name and key")
        return cls(name=name, key_id=identifier, public_key=raw[1:])

    def verify(self, message: bytes, signature: bytes) -> bool:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except InvalidSignature:
            return False
        return True


def checkpoint_text(origin: str, size: int, head_hash: str | None) -> str:
    encoded = base64.b64encode(head_bytes(head_hash)).decode("ascii")
    return f"{origin}\n{int(size)}\n{encoded}\n"


def sign_note(text: str, name: str, sign) -> str:
    """``text`` followed by the signature line of ``sign(bytes) -> (public key, signature)``."""
    public_key, signature = sign(text.encode("utf-8"))
    encoded = base64.b64encode(key_id(name, public_key) + signature).decode("ascii")
    return f"{text}\n{SIGNATURE_PREFIX}{name} {encoded}\n"


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    head_hash: str  # lower-case hex, GENESIS_HASH for an empty chain
    note: str

    @property
    def chain(self) -> str:
        return self.origin.rsplit("/", 1)[-1]


class CheckpointError(ValueError):
    pass


def checkpoint_parse(note: str, key: VerifierKey) -> Checkpoint:
    """Parse one signed checkpoint and check its signature by ``key``; raise otherwise."""
    text, separator, signatures = note.partition("\n\n")
    if not separator or not signatures.endswith("\n"):
        raise CheckpointError("not a signed note (no blank line before the signatures)")
    text += "\n"
    lines = text.split("\n")[:-1]
    if len(lines) < 3 or not all(lines):
        raise CheckpointError("a checkpoint has an origin, a size and a hash line")
    origin, size_text, hash_text = lines[:3]
    if not size_text.isdigit() or (size_text.startswith("0") and size_text != "0"):
        raise CheckpointError(f"bad size {size_text!r}")
    try:
        head = base64.b64decode(hash_text, validate=True)
    except ValueError as error:
        raise CheckpointError("the head hash is not base64") from error
    if len(head) != 32:
        raise CheckpointError("the head hash is not 32 bytes")
    verified = False
    for line in signatures[:-1].split("\n"):
        if not line.startswith(SIGNATURE_PREFIX):
            raise CheckpointError(f"bad signature line {line!r}")
        name, _space, encoded = line[len(SIGNATURE_PREFIX) :].partition(" ")
        try:
            blob = base64.b64decode(encoded, validate=True)
        except ValueError as error:
            raise CheckpointError("a signature is not base64") from error
        if name != key.name or blob[:4] != key.key_id:
            continue  # another signer (a witness's cosignature): not ours to check
        if not key.verify(text.encode("utf-8"), blob[4:]):
            raise CheckpointError("bad signature")
        verified = True
    if not verified:
        raise CheckpointError(f"no signature by {key.name}")
    size = int(size_text)
    head_hash = GENESIS_HASH if head == EMPTY_HEAD and size == 0 else head.hex()
    return Checkpoint(origin=origin, size=size, head_hash=head_hash, note=note)


def checkpoints_split(text: str) -> list[str]:
    """The signed notes in a file: a note ends after its signature lines."""
    notes: list[str] = []
    current: list[str] = []
    in_signatures = False
    for line in text.splitlines(keepends=True):
        if in_signatures and not line.startswith(SIGNATURE_PREFIX):
            notes.append("".join(current))
            current, in_signatures = [], False
            if line.strip() == "":
                continue
        if not current and line.strip() == "":
            continue
        current.append(line)
        if line == "\n":
            in_signatures = True
    if current:
        notes.append("".join(current))
    return notes


# -- chain verification -----------------------------------------------------------------


@dataclass
class ChainCheck:
    """Walks one chain's sealed events in order; checkpoints are compared on the way."""

    chain: str
    checkpoints: list[Checkpoint] = field(default_factory=list)
    count: int = 0
    head: str = GENESIS_HASH
    problems: list[tuple[int | None, str, str]] = field(default_factory=list)
    _by_size: dict[int, list[Checkpoint]] = field(default_factory=dict)

    def __post_init__(self):
        for checkpoint in self.checkpoints:
            self._by_size.setdefault(checkpoint.size, []).append(checkpoint)
        for checkpoint in self._by_size.pop(0, []):
            if checkpoint.head_hash != GENESIS_HASH:
                self.problems.append((0, "", "checkpoint_mismatch"))

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, sequence: int, event_id: str, prev_hash: str, stored_hash: str, document) -> bool:
        """Check the next event; False (and a problem recorded) at the first bad one."""
        if self.problems:
            return False
        reason = None
        if sequence != self.count + 1:
            reason = "sequence_gap"
        elif prev_hash != self.head:
            reason = "broken_link"
        elif event_hash(prev_hash, document) != stored_hash:
            reason = "hash_mismatch"
        if reason is not None:
            self.problems.append((sequence, event_id, reason))
            return False
        self.count += 1
        self.head = stored_hash
        for checkpoint in self._by_size.pop(self.count, []):
            if checkpoint.head_hash != self.head:
                # History up to this checkpoint was rewritten (every later hash recomputed).
                self.problems.append((self.count, event_id, "checkpoint_mismatch"))
                return False
        return True

    def finish(self) -> bool:
        if not self.problems and self._by_size:
            largest = max(self._by_size)
            # The chain is shorter than a size it was signed at: its tail was removed.
            self.problems.append((largest, "", "truncated"))
        return self.ok


def verify_file(path: str, checkpoints: list[Checkpoint]) -> ChainCheck:
    check: ChainCheck | None = None
    with open(path, encoding="utf-8") as handle:  # noqa: PTH123 - plain Python on purpose
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                document = json.loads(line)
                missing = [k for k in (*CANONICAL_KEYS, "prev_hash", "hash") if k not in document]
            except ValueError:
                missing = ["(not JSON)"]
            if missing:
                check = check or ChainCheck(chain="?")
                check.problems.append((None, f"line {number}", "malformed"))
                break
            if check is None:
                chain = document["chain"]
                check = ChainCheck(
                    chain=chain, checkpoints=[c for c in checkpoints if c.chain == chain]
                )
            if document["chain"] != check.chain:
                check.problems.append((document["sequence"], document["id"], "other_chain"))
                break
            if not check.add(
                document["sequence"],
                document["id"],
                document["prev_hash"],
                document["hash"],
                document,
            ):
                break
    if check is None:
        check = ChainCheck(chain="?")
    check.finish()
    return check


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--key", required=True, help="the verifier key line (audit_public_key)")
    parser.add_argument("--checkpoint", nargs="*", default=[], help="files of signed checkpoints")
    parser.add_argument("exports", nargs="+", help="NDJSON files, one per chain (audit_export)")
    args = parser.parse_args(argv)

    key = VerifierKey.parse(args.key)
    checkpoints: list[Checkpoint] = []
    failed = False
    for path in args.checkpoint:
        with open(path, encoding="utf-8") as handle:  # noqa: PTH123
            for note in checkpoints_split(handle.read()):
                try:
                    checkpoints.append(checkpoint_parse(note, key))
                except CheckpointError as error:
                    print(f"FAILED: checkpoint in {path}: {error}")
                    failed = True
    seen: set[str] = set()
    for path in args.exports:
        check = verify_file(path, checkpoints)
        seen.add(check.chain)
        if check.ok:
            print(f"OK: {check.chain}: {check.count} events, {len(check.checkpoints)} checkpoints")
            continue
        failed = True
        for sequence, event_id, reason in check.problems:
            print(f"FAILED: {check.chain}: event #{sequence} {event_id}: {reason}".rstrip())
    for chain in sorted({c.chain for c in checkpoints} - seen):
        print(f"FAILED: {chain}: checkpoints given but no export file for this chain")
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
