"""Redaction by key and by shape."""

from __future__ import annotations

import logging

from control.secrets import MASK, RedactingFilter, Secret, is_secret_key, redact, redact_text


def test_keys_that_name_secrets() -> None:
    for key in ("password", "access_token", "refresh_token", "api_key", "X-API-Key", "Authorization",
                "client_secret", "private_key", "sessionId", "SFDX_HUB_KEY"):
        assert is_secret_key(key), key
    for key in ("api_key_env", "token_url", "username", "instance_url", "source_key", "keyPrefix"):
        assert not is_secret_key(key), key


def test_shapes_inside_text() -> None:
    assert redact_text("sid 00D5g000004XYZa!AQEAQ.abc-def_1 ok") == f"sid {MASK} ok"
    assert redact_text("Authorization: Bearer eyJhbGciOi.abc") == f"Authorization: Bearer {MASK}"
    assert redact_text("key stk_live_9f8e7d6c5b4a3210 used") == f"key {MASK} used"
    assert redact_text("postgresql://st2sf:hunter2@db/x") == f"postgresql://st2sf:{MASK}@db/x"
    assert redact_text("nothing secret here: 001000000000001AAA") == "nothing secret here: 001000000000001AAA"


def test_nested_structures() -> None:
    data = {"org": "uat", "auth": {"access_token": "abc", "instance_url": "https://x"},
            "list": ["stk_test_0123456789abcdef", 3], "empty_password": ""}
    assert redact(data) == {"org": "uat", "auth": {"access_token": MASK, "instance_url": "https://x"},
                            "list": [MASK, 3], "empty_password": ""}


def test_secret_wrapper_never_prints() -> None:
    s = Secret("stk_live_abcdefgh12345678")
    assert s.reveal() == "stk_live_abcdefgh12345678"
    assert "abcdefgh" not in repr(s) and "abcdefgh" not in str(s) and "abcdefgh" not in f"{s}"
    assert redact({"k": s}) == {"k": MASK}


def test_logging_filter(caplog) -> None:
    logger = logging.getLogger("st2sf.test")
    logger.addFilter(RedactingFilter())
    with caplog.at_level(logging.INFO, logger="st2sf.test"):
        logger.info("login with %s", "00D5g000004XYZa!AQEAQsecretpart")
    assert "AQEAQsecretpart" not in caplog.text
    assert MASK in caplog.text
