"""Subcommands of the jcalc command line."""
