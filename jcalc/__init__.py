"""jcalc: drug dose to HCPCS billing units and claim lines."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("jcalc")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"
