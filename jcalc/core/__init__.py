"""Pure billing engine: no Qt, no database. Every figure jcalc shows comes from here."""
