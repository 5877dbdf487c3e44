"""Who reaches the staff URLs of paten.audit (read by the access matrix,
``tests/accounts/test_access_matrix.py``; the vocabulary is ``tests/access.py``)."""

from tests.access import model_rules

RULES = model_rules("audit_event", "audit.auditevent", scoped=True)
