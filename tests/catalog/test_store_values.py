"""Numbers read back from a catalog file: an impossible one is an error naming the file."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from jcalc.catalog.store import CatalogError, descriptor_from_columns, open_catalog
from jcalc.core.descriptor import DescriptorKind
from jcalc.paths import bundled_catalog_path


def _altered(tmp_path: Path, statement: str) -> Path:
    target = tmp_path / "damaged.sqlite"
    shutil.copyfile(bundled_catalog_path(), target)
    with closing(sqlite3.connect(target)) as connection:
        assert connection.execute(statement).rowcount >= 1
        connection.commit()
    return target


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        (
            "UPDATE meta SET value = 'abc' WHERE key = 'schema_version'",
            "its schema_version 'abc' is not a number",
        ),
        (
            "UPDATE codes SET descriptor_amount = '0' WHERE hcpcs = 'J9312'",
            "J9312 has an impossible descriptor amount ('0')",
        ),
        (
            "UPDATE codes SET descriptor_amount = '1e-999999999' WHERE hcpcs = 'J9312'",
            "J9312 has an impossible descriptor amount ('1e-999999999')",
        ),
        (
            "UPDATE codes SET asp_payment_limit = '-5.00' WHERE hcpcs = 'J9312'",
            "J9312 has an impossible payment limit ('-5.00')",
        ),
        (
            "UPDATE codes SET asp_payment_limit = '" + "9" * 30 + "' WHERE hcpcs = 'J9312'",
            "J9312 has an impossible payment limit",
        ),
        (
            "UPDATE codes SET mue_value = 99999999999999999999999 WHERE hcpcs = 'J9312'",
            "J9312 has an impossible MUE value",
        ),
        (
            "UPDATE ndcs SET pkg_size = '-1' WHERE ndc = '50242005306'",
            "50242005306 has an impossible package size ('-1')",
        ),
        (
            "UPDATE ndcs SET bill_units = '0' WHERE ndc = '50242005306'",
            "50242005306 has an impossible billing units ('0')",
        ),
    ],
)
def test_impossible_values_refuse_the_catalog_naming_it(
    tmp_path: Path, statement: str, message: str
) -> None:
    path = _altered(tmp_path, statement)
    with pytest.raises(CatalogError) as caught:
        open_catalog(path)
    assert str(caught.value).startswith(f"{path} is damaged: ")
    assert message in str(caught.value)


def test_the_bundled_catalog_passes() -> None:
    with open_catalog() as catalog:
        assert catalog.info().schema_version >= 1


@pytest.mark.parametrize("amount", ["0", "-10", "1e-999999999", "1e999999999", "NaN", "Infinity"])
def test_an_impossible_descriptor_amount_is_never_used(amount: str) -> None:
    descriptor = descriptor_from_columns("per-amount", amount, "MG", "10 mg", "")
    assert descriptor.kind is DescriptorKind.UNPARSED
