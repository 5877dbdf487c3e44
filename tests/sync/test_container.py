"""The bundle file on its own: round trip, and every way a damaged file is refused."""

import hashlib
import tarfile

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from paten.sync import container, crypto
from paten.sync.constants import Refusal
from paten.sync.container import BundleRefused, BundleWriter


@pytest.fixture
def sender():
    return Ed25519PrivateKey.generate()


@pytest.fixture
def receiver():
    return X25519PrivateKey.generate()


def _write(path, sender, receiver, *, files=(), records=None, header=None):
    writer = BundleWriter(
        path,
        header=header or {"kind": "up", "sender": "a", "receiver": "b", "sequence": 1},
        receiver=receiver.public_key(),
        signing_key=sender,
    )
    for content in files:
        writer.add_file(
            sha256=hashlib.sha256(content).hexdigest(), size=len(content), chunks=[content]
        )
    for label, lines in (records or {}).items():
        writer.add_records(label, lines)
    return writer.finish({"records": {k: len(v) for k, v in (records or {}).items()}})


def _verify(path, sender):
    return container.verify(path, key_for=lambda header: sender.public_key())


def _read_all(bundle, receiver):
    out = {"files": {}, "records": {}}
    for member in container.open_members(bundle, private=receiver):
        data = b"".join(member.chunks)
        if member.kind == "file":
            sha = hashlib.sha256(data).hexdigest()
            assert member.check(sha)
            out["files"][sha] = data
        else:
            out["records"][member.label] = list(container.lines(iter([data])))
    return out


def test_round_trip_with_big_file_and_many_lines(tmp_path, sender, receiver):
    big = bytes(range(256)) * 1000  # 256 kB: several chunks
    exact = b"x" * crypto.CHUNK  # exactly one chunk
    lines = [f'{{"n":{i}}}\n'.encode() for i in range(5000)]
    path = tmp_path / "b.paten"
    bundle_hash = _write(
        path, sender, receiver, files=[big, exact, b"", big], records={"a.b": lines}
    )
    bundle = _verify(path, sender)
    assert bundle.bundle_hash == bundle_hash
    assert (
        bundle.manifest["members"]["count"] == 2 + 3 + 1
    )  # header, key, 3 distinct files, 1 records
    read = _read_all(bundle, receiver)
    assert set(read["files"].values()) == {big, exact, b""}
    assert read["records"]["a.b"] == [line.rstrip(b"\n") for line in lines]


def test_file_content_must_match_its_hash(tmp_path, sender, receiver):
    writer = BundleWriter(
        tmp_path / "b.paten",
        header={"kind": "up", "sender": "a", "receiver": "b", "sequence": 1},
        receiver=receiver.public_key(),
        signing_key=sender,
    )
    with pytest.raises(ValueError, match="no longer matches"):
        writer.add_file(sha256="0" * 64, size=3, chunks=[b"abc"])


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9, 1.0])
def test_cut_short_is_truncated(tmp_path, sender, receiver, keep):
    path = tmp_path / "b.paten"
    _write(path, sender, receiver, files=[b"a" * 200_000], records={"a.b": [b"{}\n"] * 100})
    with tarfile.open(path) as tar:
        last = tar.getmembers()[-1]
        end = last.offset_data + last.size  # the signature's last byte; then only padding
    data = path.read_bytes()
    path.write_bytes(data[: int(end * keep) - 1])
    with pytest.raises(BundleRefused) as refused:
        _verify(path, sender)
    assert refused.value.reason == Refusal.TRUNCATED


def test_every_single_byte_change_is_refused(tmp_path, sender, receiver):
    path = tmp_path / "b.paten"
    _write(path, sender, receiver, files=[b"secret scan of a KTP"], records={"a.b": [b'{"k":1}\n']})
    original = path.read_bytes()
    # Flip one byte in every 97-byte step of the file: header blocks, contents, manifest.
    for offset in range(0, len(original) - 1024, 97):
        damaged = bytearray(original)
        damaged[offset] ^= 0x01
        path.write_bytes(bytes(damaged))
        try:
            bundle = _verify(path, sender)
        except BundleRefused as refusal:
            assert refusal.reason in {
                Refusal.TAMPERED,
                Refusal.BAD_SIGNATURE,
                Refusal.MALFORMED,
                Refusal.TRUNCATED,
            }
            continue
        # A change in tar padding alters no member: the content must still be intact.
        assert _read_all(bundle, receiver)["records"]["a.b"] == [b'{"k":1}']


def test_signed_by_another_key_is_refused(tmp_path, sender, receiver):
    path = tmp_path / "b.paten"
    _write(path, Ed25519PrivateKey.generate(), receiver)
    with pytest.raises(BundleRefused) as refused:
        _verify(path, sender)
    assert refused.value.reason == Refusal.BAD_SIGNATURE


def test_a_member_added_is_refused(tmp_path, sender, receiver):
    path = tmp_path / "b.paten"
    _write(path, sender, receiver, records={"a.b": [b"{}\n"]})
    rebuilt = tmp_path / "c.paten"
    with tarfile.open(path) as source, tarfile.open(rebuilt, "w") as out:
        for info in source.getmembers():
            out.addfile(info, source.extractfile(info))
            if info.name.startswith("records/"):
                out.addfile(info, source.extractfile(info))  # a second copy
    with pytest.raises(BundleRefused) as refused:
        _verify(rebuilt, sender)
    assert refused.value.reason == Refusal.TAMPERED


def test_only_the_receiver_can_read(tmp_path, sender, receiver):
    path = tmp_path / "b.paten"
    _write(path, sender, receiver, records={"a.b": [b'{"nik":"6474010101900001"}\n']})
    assert b"6474010101900001" not in path.read_bytes()
    bundle = _verify(path, sender)
    with pytest.raises(BundleRefused) as refused:
        list(container.open_members(bundle, private=X25519PrivateKey.generate()))
    assert refused.value.reason == Refusal.TAMPERED


def test_not_a_bundle(tmp_path, sender):
    path = tmp_path / "x.paten"
    path.write_bytes(b"hello, this is a text file\n" * 100)
    with pytest.raises(BundleRefused) as refused:
        _verify(path, sender)
    assert refused.value.reason in {Refusal.MALFORMED, Refusal.TRUNCATED}
