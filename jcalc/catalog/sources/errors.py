"""The one error the readers of the CMS files raise."""

from __future__ import annotations

from pathlib import Path

from jcalc.core.errors import JcalcError


class SourceFileError(JcalcError):
    """A CMS source file cannot be read; the message names the file and what is wrong with it."""

    def __init__(self, path: Path | str, problem: str) -> None:
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"{self.path.name}: {problem}")

    def __reduce__(self) -> tuple[type[SourceFileError], tuple[Path, str]]:
        """Pickle with both arguments (the default would pass only the message)."""
        return (type(self), (self.path, self.problem))
