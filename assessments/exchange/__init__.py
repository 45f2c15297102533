"""The appraisal exchange format `cmmisvc.appraisal/1` (DESIGN §6; extensions in docs/exchange.md).

`export_appraisal` writes a document, `import_appraisal` reads one. The importer checks the whole
document before its first write and reports every problem at once, each message naming the entry
(`characterizations[3].practice: ...`); then it writes in one transaction, so a failure leaves
nothing behind.

Modules: `errors` (the format name, messages, ExchangeError), `export`, `checks` (the catalog
and the generic checks), `parsing` (a file into JSON), `reader` (checking it into a plan),
`writer` (the import transaction) and `bulk` (its multi-row INSERTs of the cells and their
history).
"""

from assessments.exchange.errors import (
    BAD_CHOICE,
    BAD_DATE,
    BAD_FORMAT,
    BAD_JSON,
    BAD_KEY,
    BLANK,
    CANNOT_READ,
    CONTINUOUS_NEEDS_PROFILE,
    DUPLICATE_INSTANCE,
    DUPLICATE_OF,
    EXPECTED,
    FORMAT,
    LISTED_TWICE,
    MISSING_KEY,
    NA_AND_OOS,
    NAME_TAKEN,
    NO_ORGANISATION,
    NO_VARIANT,
    NOT_A_GOAL,
    NOT_A_PRACTICE,
    NOT_COVERED,
    NOT_UTF8,
    OUT_OF_RANGE,
    REPEATED_JSON_KEY,
    STAGED_NEEDS_TARGET,
    TOO_LONG,
    UNDEFINED_INSTANCE,
    UNKNOWN_CONSTELLATION,
    UNKNOWN_KEY,
    UNKNOWN_PA,
    ExchangeError,
)
from assessments.exchange.export import dumps, export_appraisal
from assessments.exchange.parsing import load_exchange_file
from assessments.exchange.reader import _Reader
from assessments.exchange.writer import BATCH_SIZE, import_appraisal

__all__ = [
    "BAD_CHOICE",
    "BAD_DATE",
    "BAD_FORMAT",
    "BAD_JSON",
    "BAD_KEY",
    "BATCH_SIZE",
    "BLANK",
    "CANNOT_READ",
    "CONTINUOUS_NEEDS_PROFILE",
    "DUPLICATE_INSTANCE",
    "DUPLICATE_OF",
    "EXPECTED",
    "FORMAT",
    "LISTED_TWICE",
    "MISSING_KEY",
    "NA_AND_OOS",
    "NAME_TAKEN",
    "NO_ORGANISATION",
    "NO_VARIANT",
    "NOT_A_GOAL",
    "NOT_A_PRACTICE",
    "NOT_COVERED",
    "NOT_UTF8",
    "OUT_OF_RANGE",
    "REPEATED_JSON_KEY",
    "STAGED_NEEDS_TARGET",
    "TOO_LONG",
    "UNDEFINED_INSTANCE",
    "UNKNOWN_CONSTELLATION",
    "UNKNOWN_KEY",
    "UNKNOWN_PA",
    "ExchangeError",
    "_Reader",
    "dumps",
    "export_appraisal",
    "import_appraisal",
    "load_exchange_file",
]
