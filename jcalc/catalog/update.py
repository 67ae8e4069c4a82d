"""Quarterly catalog update from the CMS files a biller downloaded: plan, build, review, switch.

The window and ``jcalc catalog update`` follow the same four steps::

    plan = plan_update(files)                 # detect and read every file; may raise
    if plan.needs_confirmation: ask the biller, showing plan.reasons (files older than in use)
    prepared = build_update(plan, progress=..., cancel=...)   # worker thread; staging file
    show prepared.diff; then commit_update(prepared, accept_older=...) or discard_update(prepared)

Any subset of the four kinds may be given (say only a new ASP quarter); the other kinds come from
the catalog in use. Nothing changes for the biller until :func:`commit_update`, which switches
atomically (see :mod:`jcalc.catalog.library`). Cancelling, an error or a crash at any point
leaves the catalog in use as it was. Every error is a :class:`~jcalc.core.errors.JcalcError`
whose message names the file and the problem in plain words: :class:`SourceFileError` for a bad
file, :class:`UpdateError` otherwise (:class:`UpdateCancelledError` after a cancel).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Final, Literal, TypeVar

from jcalc.catalog.aliases import load_aliases
from jcalc.catalog.build import BuildSummary, write_catalog
from jcalc.catalog.diff import CatalogDiff, ClinicCodes, diff_catalogs
from jcalc.catalog.extract import (
    extract_asp,
    extract_asp_history,
    extract_crosswalk,
    extract_hcpcs,
    extract_mue,
)
from jcalc.catalog.library import ActiveCatalog, CatalogLibrary, StagingSlot, default_library
from jcalc.catalog.sources.asp import read_asp
from jcalc.catalog.sources.crosswalk import read_crosswalk
from jcalc.catalog.sources.detect import detect_kind
from jcalc.catalog.sources.errors import SourceFileError
from jcalc.catalog.sources.hcpcs import read_hcpcs
from jcalc.catalog.sources.mue import read_mue
from jcalc.catalog.sources.opening import (
    HEAD_BYTES,
    KIND_NAMES,
    KINDS,
    Kind,
    check_file,
    is_workbook,
    is_zip,
    open_zip,
    read_bytes,
    sniff_member,
    table_members,
)
from jcalc.catalog.sources.records import AspFile, CrosswalkFile, HcpcsFile, MueFile
from jcalc.catalog.store import CatalogError, CatalogInfo, open_catalog
from jcalc.core.errors import JcalcError

_T = TypeVar("_T")

Progress = Callable[[str, float], None]
"""``progress(stage, fraction)``: a plain-words stage and 0.0 to 1.0; called from the worker."""

_NOT_CMS: Final = (
    "this is not one of the CMS files jcalc reads (the HCPCS Level II file, the ASP payment "
    "limit file, the ASP NDC-HCPCS crosswalk or the practitioner MUE table)"
)


class UpdateError(JcalcError):
    """The update cannot go ahead; the message says why in plain words."""


class UpdateCancelledError(UpdateError):
    """The biller cancelled the update; nothing was changed."""

    def __init__(self, message: str = "the update was cancelled; nothing was changed") -> None:
        super().__init__(message)


@dataclass(frozen=True)
class UpdateFile:
    """One CMS file of an update, read and checked."""

    path: Path
    kind: Kind
    period: str  # "2026Q2" (ASP, crosswalk, MUE) or "2026-04" (HCPCS release); "" if unknown
    rows: int
    effective_from: date | None = None  # ASP file and crosswalk: first day they apply

    @property
    def kind_name(self) -> str:
        """ "the ASP payment limit file"."""
        return KIND_NAMES[self.kind]

    def describe(self) -> str:
        """ "asp_2026q2.csv: the ASP payment limit file, 2026Q2 (877 rows)"."""
        period = self.period or "quarter unknown"
        return f"{self.path.name}: {self.kind_name}, {period} ({self.rows} rows)"


@dataclass(frozen=True)
class _Sources:
    hcpcs: HcpcsFile | None = None
    asp: AspFile | None = None
    crosswalk: CrosswalkFile | None = None
    mue: MueFile | None = None


@dataclass(frozen=True)
class UpdatePlan:
    """What an update will use: the files given, checked, and the catalog in use as the base."""

    files: tuple[UpdateFile, ...]
    base: ActiveCatalog  # the catalog in use when the plan was made
    reasons: tuple[str, ...] = ()  # why the biller must confirm (files older than in use)
    notes: tuple[str, ...] = ()  # worth knowing, no confirmation needed
    library: CatalogLibrary = field(default_factory=default_library, repr=False, compare=False)
    sources: _Sources = field(default_factory=_Sources, repr=False, compare=False)

    @property
    def needs_confirmation(self) -> bool:
        """True when a file is older than the one in the catalog in use."""
        return bool(self.reasons)

    @property
    def asp_history_only(self) -> bool:
        """True when the ASP file given is of a quarter older than the one in use.

        Its prices are added to the catalog's price history (dates of service in that quarter are
        priced with them); the prices in use stay those of the newer quarter.
        """
        return _is_older_asp(self.sources.asp, self.base.info)

    @property
    def crosswalk_held_back(self) -> bool:
        """True when the crosswalk given goes with an older ASP file and is older than in use.

        A past quarter's ASP files are given to price dates of service in that quarter; the
        crosswalk of that quarter must not replace the newer one in use, which keeps its NDCs.
        """
        return _is_held_back_crosswalk(self.sources.crosswalk, self.sources.asp, self.base.info)

    @property
    def kinds(self) -> tuple[Kind, ...]:
        """The kinds of file given."""
        return tuple(item.kind for item in self.files)

    @property
    def kept_kinds(self) -> tuple[Kind, ...]:
        """The kinds taken unchanged from the catalog in use."""
        return tuple(kind for kind in KINDS if kind not in self.kinds)

    def summary_lines(self) -> list[str]:
        """The plan in a few lines of plain text."""
        lines = [f"catalog in use: {self.base.describe()}"]
        lines += [f"new: {item.describe()}" for item in self.files]
        lines += [f"kept from the catalog in use: {KIND_NAMES[kind]}" for kind in self.kept_kinds]
        lines += [f"note: {note}" for note in self.notes]
        lines += [f"warning: {reason}" for reason in self.reasons]
        return lines


@dataclass
class PreparedUpdate:
    """A new catalog built into a staging file, with its differences from the catalog in use."""

    plan: UpdatePlan
    staging: Path
    summary: BuildSummary
    diff: CatalogDiff
    info: CatalogInfo  # of the new catalog
    slot: StagingSlot = field(repr=False)
    state: Literal["prepared", "committed", "discarded"] = "prepared"


# ---------------------------------------------------------------- planning


def _reporter(progress: Progress | None, cancel: threading.Event | None) -> Progress:
    """A progress callback that raises UpdateCancelledError once ``cancel`` is set."""

    def report(stage: str, fraction: float) -> None:
        if cancel is not None and cancel.is_set():
            raise UpdateCancelledError()
        if progress is not None:
            progress(stage, min(max(fraction, 0.0), 1.0))

    return report


def kinds_in_file(path: Path) -> list[Kind]:
    """The kinds of CMS file ``path`` holds (a zip may hold more than one).

    Raises SourceFileError when the file is missing, empty, unreadable or a damaged zip, and
    when it is no CMS file jcalc reads.
    """
    path = Path(path)
    check_file(path)
    head = read_bytes(path, HEAD_BYTES)
    if is_zip(head):
        data = read_bytes(path)
        with open_zip(path, data) as archive:
            if not is_workbook(archive):
                complete: list[Kind] = []
                partial: list[Kind] = []
                for info in table_members(archive):
                    guess = sniff_member(path, archive, info)
                    if guess is None:
                        continue
                    target = complete if guess.complete else partial
                    if guess.kind not in target:
                        target.append(guess.kind)
                found = complete or partial[:1]
                if not found:
                    raise SourceFileError(path, _NOT_CMS)
                return found
    kind = detect_kind(path)
    if kind is None:
        raise SourceFileError(path, _NOT_CMS)
    return [kind]


def _read(path: Path, kind: Kind) -> HcpcsFile | AspFile | CrosswalkFile | MueFile:
    if kind == "hcpcs":
        return read_hcpcs(path)
    if kind == "asp":
        return read_asp(path)
    if kind == "crosswalk":
        return read_crosswalk(path)
    return read_mue(path)


def _typed(value: object, cls: type[_T]) -> _T | None:
    return value if isinstance(value, cls) else None


def _quarter_label(day: date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def _period(read: HcpcsFile | AspFile | CrosswalkFile | MueFile) -> str:
    if isinstance(read, HcpcsFile):
        return read.release
    if isinstance(read, AspFile | CrosswalkFile):
        return _quarter_label(read.effective_from)
    return read.quarter


def _base_period(info: CatalogInfo, kind: Kind) -> str:
    if kind == "hcpcs":
        return info.hcpcs_release
    if kind == "asp":
        return _quarter_label(info.asp_effective_from) if info.asp_effective_from else ""
    if kind == "crosswalk":
        start = info.crosswalk_effective_from
        return _quarter_label(start) if start else ""
    return info.mue_quarter


def _base_start(info: CatalogInfo, kind: Kind) -> date | None:
    if kind == "asp":
        return info.asp_effective_from
    if kind == "crosswalk":
        return info.crosswalk_effective_from
    return None


def _is_older_asp(asp: AspFile | None, base: CatalogInfo) -> bool:
    start = base.asp_effective_from
    return asp is not None and start is not None and asp.effective_from < start


def _is_held_back_crosswalk(
    crosswalk: CrosswalkFile | None, asp: AspFile | None, base: CatalogInfo
) -> bool:
    start = base.crosswalk_effective_from
    return (
        crosswalk is not None
        and _is_older_asp(asp, base)
        and start is not None
        and crosswalk.effective_from < start
    )


def _held_quarters(base: CatalogInfo) -> str:
    return ", ".join(quarter.quarter for quarter in base.asp_quarters) or base.asp_quarter


def _order_checks(files: Sequence[UpdateFile], base: CatalogInfo) -> tuple[list[str], list[str]]:
    """(reasons to confirm, notes): files older than or as old as the catalog in use.

    An older ASP payment limit file needs no confirmation: it adds its quarter to the price
    history and replaces nothing newer.
    """
    reasons: list[str] = []
    notes: list[str] = []
    asp_history = any(
        item.kind == "asp"
        and item.effective_from is not None
        and base.asp_effective_from is not None
        and item.effective_from < base.asp_effective_from
        for item in files
    )
    for item in files:
        old = _base_period(base, item.kind)
        base_start = _base_start(base, item.kind)
        if (
            item.kind == "crosswalk"
            and asp_history
            and item.effective_from is not None
            and base_start is not None
            and item.effective_from < base_start
        ):
            notes.append(
                f"{item.path.name} is {item.kind_name} for {item.period}, older than the one in "
                f"use ({old}), given with an older ASP payment limit file: it is not used, so "
                f"the NDCs of the crosswalk in use ({old}) stay"
            )
            continue
        if (
            item.kind == "asp"
            and item.effective_from is not None
            and base_start is not None
            and item.effective_from < base_start
        ):
            held = {quarter.quarter for quarter in base.asp_quarters}
            again = " (replacing the copy held)" if item.period in held else ""
            notes.append(
                f"{item.path.name} is {item.kind_name} for {item.period}, older than the one in "
                f"use ({old}): its payment limits are added to the price history{again} and "
                f"price dates of service in {item.period}; the prices in use stay {old} "
                f"(quarters held now: {_held_quarters(base)})"
            )
            continue
        if item.effective_from is not None and base_start is not None:
            if item.effective_from < base_start:
                reasons.append(
                    f"{item.path.name} is {item.kind_name} effective from "
                    f"{item.effective_from.isoformat()} ({item.period}), older than the one in "
                    f"the catalog in use (effective from {base_start.isoformat()}, {old})"
                )
            elif item.effective_from == base_start:
                notes.append(
                    f"{item.path.name} is for {item.period}, the same as the catalog in use"
                )
            continue
        if not item.period:
            notes.append(
                f"{item.path.name}: cannot tell which quarter {item.kind_name} is for; "
                "it is used as given"
            )
        elif not old:
            continue
        elif item.period < old:
            reasons.append(
                f"{item.path.name} is {item.kind_name} for {item.period}, older than the one "
                f"in the catalog in use ({old})"
            )
        elif item.period == old:
            notes.append(f"{item.path.name} is for {item.period}, the same as the catalog in use")
    return reasons, notes


def _pairing_notes(files: Sequence[UpdateFile], base: CatalogInfo) -> list[str]:
    """A note when the ASP file and the crosswalk in the new catalog are of different quarters."""
    given = {item.kind: item.period for item in files}
    older = [i for i in files if i.kind == "asp" and i.effective_from and base.asp_effective_from
             and i.effective_from < base.asp_effective_from]  # fmt: skip
    if older:
        given.pop("asp")  # it goes to the price history; the quarter in use stays
        crosswalk_start = base.crosswalk_effective_from
        if any(i.kind == "crosswalk" and i.effective_from and crosswalk_start
               and i.effective_from < crosswalk_start for i in files):  # fmt: skip
            given.pop("crosswalk")  # held back with it: the crosswalk in use stays
    if "asp" not in given and "crosswalk" not in given:
        return []
    asp = given.get("asp", _base_period(base, "asp"))
    crosswalk = given.get("crosswalk", _base_period(base, "crosswalk"))
    if not asp or not crosswalk or asp == crosswalk:
        return []
    return [
        f"the ASP payment limit file will be for {asp} but the NDC-HCPCS crosswalk for "
        f"{crosswalk}: CMS publishes both each quarter; add the matching one if you have it"
    ]


def plan_update(
    files: Sequence[Path],
    *,
    library: CatalogLibrary | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> UpdatePlan:
    """Detect, read and check the CMS files of an update against the catalog in use.

    Raises SourceFileError naming the first bad file (not a CMS file, truncated, unreadable,
    a column missing), UpdateError for no files, the same kind given twice or no usable catalog
    in use, UpdateCancelledError when ``cancel`` is set. Older files do not raise: they are listed
    in ``reasons`` and ``needs_confirmation`` is True.
    """
    library = library or default_library()
    report = _reporter(progress, cancel)
    paths = [Path(path) for path in files]
    if not paths:
        raise UpdateError("no files given: choose the CMS files of the new quarter")
    report("checking the files", 0.0)
    chosen: dict[Kind, Path] = {}
    seen: dict[Path, Path] = {}
    for path in paths:
        resolved = path.resolve()
        if resolved in seen:
            raise UpdateError(f"{path.name} was given twice")
        seen[resolved] = path
        for kind in kinds_in_file(path):
            if kind in chosen:
                raise UpdateError(
                    f"{chosen[kind].name} and {path.name} are both {KIND_NAMES[kind]}: "
                    "give only one of them"
                )
            chosen[kind] = path
    try:
        base = library.active()
    except CatalogError as exc:
        raise UpdateError(f"no catalog is usable to update from: {exc}") from exc
    read: dict[Kind, HcpcsFile | AspFile | CrosswalkFile | MueFile] = {}
    planned: list[UpdateFile] = []
    ordered = [kind for kind in KINDS if kind in chosen]
    for number, kind in enumerate(ordered):
        path = chosen[kind]
        report(f"reading {path.name}", 0.05 + 0.9 * number / len(ordered))
        records = _read(path, kind)
        read[kind] = records
        start = records.effective_from if isinstance(records, AspFile | CrosswalkFile) else None
        planned.append(UpdateFile(path, kind, _period(records), len(records.records), start))
    reasons, notes = _order_checks(planned, base.info)
    notes += _pairing_notes(planned, base.info)
    if base.problem:
        notes.insert(0, f"the bundled catalog is the base of this update: {base.problem}")
    sources = _Sources(
        hcpcs=_typed(read.get("hcpcs"), HcpcsFile),
        asp=_typed(read.get("asp"), AspFile),
        crosswalk=_typed(read.get("crosswalk"), CrosswalkFile),
        mue=_typed(read.get("mue"), MueFile),
    )
    report("files checked", 1.0)
    return UpdatePlan(
        files=tuple(planned),
        base=base,
        reasons=tuple(reasons),
        notes=tuple(notes),
        library=library,
        sources=sources,
    )


# ---------------------------------------------------------------- building


def _complete_sources(
    plan: UpdatePlan,
) -> tuple[HcpcsFile, AspFile, CrosswalkFile, MueFile, list[AspFile]]:
    """The four kinds of records of the new catalog, and the earlier ASP quarters it keeps.

    Kinds not given come from the catalog in use, and so do its ASP quarters; an ASP file older
    than the one in use joins that history instead of replacing the quarter in use.
    """
    given = plan.sources
    with open_catalog(plan.base.path) as base:
        history = extract_asp_history(base)
        asp = given.asp
        if asp is not None and plan.asp_history_only:
            history.append(asp)
            asp = None
        crosswalk = None if plan.crosswalk_held_back else given.crosswalk
        return (
            given.hcpcs or extract_hcpcs(base),
            asp or extract_asp(base),
            crosswalk or extract_crosswalk(base),
            given.mue or extract_mue(base),
            history,
        )


def build_update(
    plan: UpdatePlan,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    clinic: ClinicCodes | None = None,
) -> PreparedUpdate:
    """Build the new catalog into a staging file and compare it with the catalog in use.

    Meant for a worker thread: ``progress`` is called with a stage and 0.0 to 1.0, and setting
    ``cancel`` stops the build at the next step (UpdateCancelledError). The catalog in use is never
    touched; on cancel or error the staging file is removed. ``clinic`` adds the clinic's
    affected codes to the diff.
    """
    report = _reporter(progress, cancel)
    report("starting", 0.0)
    slot = plan.library.reserve_staging()
    try:
        report("reading the catalog in use", 0.02)
        hcpcs, asp, crosswalk, mue, history = _complete_sources(plan)
        aliases = load_aliases()

        def building(stage: str, fraction: float) -> None:
            report(stage, 0.15 + 0.7 * (max(fraction, 0.5) - 0.5) / 0.5)

        try:
            summary = write_catalog(
                hcpcs, asp, crosswalk, mue, out=slot.path, aliases=aliases, progress=building,
                asp_history=history,
            )  # fmt: skip
        except OSError as exc:
            raise UpdateError(
                f"cannot write the new catalog in {slot.path.parent}: {exc.strerror or exc}"
            ) from exc
        if plan.asp_history_only and plan.sources.asp is not None:
            # An older quarter's ASP file was read too, into the price history: its rows
            # belong in the review with the others (it is not one of the four sources).
            reports = (*summary.skip_reports, plan.sources.asp.report)
            summary = replace(summary, skip_reports=reports)
        report("comparing with the catalog in use", 0.86)
        with open_catalog(plan.base.path) as old, open_catalog(slot.path) as new:
            diff = diff_catalogs(old, new, clinic=clinic)
            info = new.info()
        report("ready to review", 1.0)
    except BaseException:
        slot.release(remove=True)
        raise
    return PreparedUpdate(plan, slot.path, summary, diff, info, slot)


def commit_update(prepared: PreparedUpdate, *, accept_older: bool = False) -> ActiveCatalog:
    """Put the prepared catalog in use; the catalog in use until now becomes the previous one.

    ``accept_older`` must be True when the plan needs confirmation (the biller agreed to files
    older than those in use). Raises UpdateError when the update is not in a state to commit
    or the catalog in use changed meanwhile; the catalog in use is then unchanged and the
    prepared update can still be discarded.
    """
    if prepared.state != "prepared":
        raise UpdateError(f"this update was already {prepared.state}")
    if prepared.plan.needs_confirmation and not accept_older:
        raise UpdateError(
            "some files are older than the catalog in use: "
            + "; ".join(prepared.plan.reasons)
            + ". Confirm to use them anyway."
        )
    try:
        active = prepared.plan.library.install(
            prepared.staging, expected_current=prepared.plan.base.entry
        )
    except CatalogError as exc:
        raise UpdateError(str(exc)) from exc
    except OSError as exc:
        raise UpdateError(f"cannot switch to the new catalog: {exc.strerror or exc}") from exc
    prepared.slot.release(remove=False)
    prepared.state = "committed"
    return active


def discard_update(prepared: PreparedUpdate) -> None:
    """Throw the prepared catalog away (nothing was changed); safe to call twice."""
    if prepared.state == "prepared":
        prepared.slot.release(remove=True)
        prepared.state = "discarded"
