"""Bundled read-only data of jcalc, installed as the package ``jcalc.resources``."""
