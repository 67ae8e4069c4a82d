"""Code and modifier dates as the HCPCS file defines them.

Source: the CMS HCPCS record layout shipped in the HCPCS zip (HCPC2026_recordlayout.txt):
field 27 "HCPCS Code Added Date" (ADD DT), field 28 "HCPCS Action Effective Date" ("Effective
date of action to a procedure or modifier code"), field 29 "HCPCS Termination Date" ("Last date
for which a procedure or modifier code may be used by Medicare providers") and field 30 "HCPCS
Action Code" (A add, B change in administrative data and long description, C change in long
description, D discontinue, F administrative data, N no maintenance, P payment, R reactivate,
S short description, T miscellaneous). DOMAIN.md §5 states the rule these tests check.
"""

from __future__ import annotations

from datetime import date

import pytest

from jcalc.core.checks import check_code_date, code_date_warnings
from jcalc.core.drug import ModifierInfo
from jcalc.core.errors import CodeNotValidError
from tests.core.factories import drug

# J2310 as in the January 2026 HCPCS file: ADD DT 19960101, ACT EFF DT 20250701, TERM DT 20250630.
NALOXONE = drug(
    "J2310",
    "Injection, naloxone hydrochloride, per 1 mg",
    added=date(1996, 1, 1),
    effective=date(2025, 7, 1),
    terminated=date(2025, 6, 30),
    action_code="N",
    xrefs=("J2312",),
)


def test_billable_from_add_date_through_term_date_not_from_the_action_date() -> None:
    """ACT EFF DT (2025-07-01) is the latest action, not the first valid day: the code was
    billable from ADD DT 1996-01-01 through TERM DT 2025-06-30 (layout fields 27-29)."""
    check_code_date(NALOXONE, date(2025, 5, 1))
    check_code_date(NALOXONE, date(1996, 1, 1))
    check_code_date(NALOXONE, date(2025, 6, 30))  # TERM DT is the last valid day
    assert NALOXONE.valid_on(date(2025, 6, 30)) and not NALOXONE.valid_on(date(2025, 7, 1))
    assert NALOXONE.status_on(date(2025, 5, 1)) == "active"


def test_after_term_date_names_the_dates_and_the_replacement() -> None:
    """A date of service after TERM DT is an error naming the dates and XREF1 (DOMAIN.md §5)."""
    with pytest.raises(CodeNotValidError) as caught:
        check_code_date(NALOXONE, date(2025, 7, 1))
    message = str(caught.value)
    assert "terminated on 2025-06-30" in message
    assert "billable from 1996-01-01 through 2025-06-30" in message
    assert message.endswith("the HCPCS file refers to J2312")


def test_before_add_date_is_an_error_naming_it() -> None:
    """Before ADD DT the code does not exist yet (layout field 27)."""
    new = drug("J2312", "Injection, naloxone, 0.01 mg", added=date(2025, 7, 1))
    expected = r"added on 2025-07-01 \(billable from 2025-07-01\)"
    with pytest.raises(CodeNotValidError, match=expected):
        check_code_date(new, date(2025, 6, 30))
    assert new.status_on(date(2025, 6, 30)) == "not yet effective"


@pytest.mark.parametrize("action", ["B", "C"])
def test_before_a_description_change_warns(action: str) -> None:
    """ACTION CD B/C: the long description changed on ACT EFF DT; an earlier date of service is
    valid but its descriptor may have differed (layout field 30; DOMAIN.md §5)."""
    changed = drug(
        "J1885",
        "Injection, ketorolac tromethamine, per 15 mg",
        added=date(1999, 1, 1),
        effective=date(2026, 1, 1),
        action_code=action,
    )
    check_code_date(changed, date(2025, 6, 1))
    [warning] = code_date_warnings(changed, date(2025, 6, 1))
    assert "long description changed on 2026-01-01" in warning
    assert f"HCPCS action {action}" in warning
    assert code_date_warnings(changed, date(2026, 1, 1)) == []


@pytest.mark.parametrize("action", ["A", "D", "F", "N", "P", "R", "S", "T", ""])
def test_other_actions_do_not_warn(action: str) -> None:
    """Only B and C change the long description (layout field 30)."""
    other = drug(
        "J9999",
        "Not otherwise classified, antineoplastic drugs",
        added=date(1999, 1, 1),
        effective=date(2026, 1, 1),
        action_code=action,
    )
    assert code_date_warnings(other, date(2025, 1, 1)) == []


def test_modifier_dates() -> None:
    """Modifiers carry the same dates (layout fields 27-29 apply to 'procedure or modifier
    code'): JG ended 2024-12-31; TB continues (January 2026 HCPCS file)."""
    jg = ModifierInfo("JG", "340B acquired drug", date(2018, 1, 1), date(2024, 12, 31))
    tb = ModifierInfo("TB", "340B acquired drug", date(2018, 1, 1), None)
    assert jg.valid_on(date(2024, 12, 31)) and not jg.valid_on(date(2025, 1, 1))
    assert not jg.valid_on(date(2017, 12, 31))
    assert tb.valid_on(date(2026, 2, 1))
