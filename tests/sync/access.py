"""Who reaches the staff URLs of paten.sync (read by the access matrix,
``tests/accounts/test_access_matrix.py``; the vocabulary is ``tests/access.py``)."""

from tests.access import perm

MODELS = {"sync_admin": "sync.Peer", "sync_admin:download": "sync.BundleLog"}

RULES = {"sync_admin:*": perm("sync.exchange_bundles", pemda_wide=True)}
