"""Identity numbers (GB 11643): validation, masking, encryption, keyed lookup hash."""

from datetime import date

import pytest

from shared.pii import PiiVault, citizen_id_problem, make_citizen_id, mask_citizen_id, mask_phone


def test_well_formed_identity_number_is_accepted_and_x_check_character_works():
    assert citizen_id_problem("11010519491231002X") is None  # the standard's own example
    assert citizen_id_problem(make_citizen_id("440232", date(1980, 3, 15), 11)) is None


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("44023219800315001", "18 characters"),
        ("440232198003150X11", "17 digits"),
        ("440232198002300011", "birth date"),
        ("110105194912310021", "check character"),
    ],
)
def test_invalid_identity_numbers_say_why(value, why):
    assert why in (citizen_id_problem(value) or "")


def test_masking_keeps_region_and_last_four_only():
    assert mask_citizen_id("440232198003150011") == "440232********0011"
    assert mask_phone("13812345678") == "138****5678"


def test_vault_encrypts_non_deterministically_and_decrypts():
    vault = PiiVault("test-key")
    number = make_citizen_id("440232", date(1990, 1, 1), 7)
    a, b = vault.encrypt(number), vault.encrypt(number)
    assert a != b and number not in a
    assert vault.decrypt(a) == number == vault.decrypt(b)


def test_lookup_hash_is_keyed():
    number = make_citizen_id("440232", date(1990, 1, 1), 7)
    assert PiiVault("k1").lookup_hash(number) == PiiVault("k1").lookup_hash(number)
    assert PiiVault("k1").lookup_hash(number) != PiiVault("k2").lookup_hash(number)
