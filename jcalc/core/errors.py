"""Exceptions raised by the billing engine; each message names the problem in plain words."""


class JcalcError(Exception):
    """Base of every error jcalc reports to the user."""


class InputError(JcalcError):
    """A value the user typed (dose, code, NDC, container, date) cannot be used."""


class DescriptorError(JcalcError):
    """A dosage descriptor cannot be used for the requested calculation."""


class CodeNotValidError(JcalcError):
    """The HCPCS code is not valid on the date of service."""
