"""pcrlib: the PCR values leapboot's measured boot produces, predicted from the
files (tools/leapboot-pcr is its command; docs/measured-boot.md the definition)."""


class PcrError(Exception):
    """Bad input: a missing or malformed file. The command exits 1 with it."""
