"""jcalc: drug dose to HCPCS billing units and claim lines."""

__version__ = "0.1.0"  # the one place the version is set; pyproject.toml reads it from here
