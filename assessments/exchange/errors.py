"""The format name, the error messages and ExchangeError (DESIGN §6, docs/exchange.md)."""

FORMAT = "cmmisvc.appraisal/1"

# Each message is reported as "<where>: <message>", e.g. "characterizations[3].value: ...".
BAD_JSON = "not valid JSON: line {line}, column {column}: {error}"
NOT_UTF8 = "not UTF-8 text (byte {position})"
CANNOT_READ = "cannot read {name}: {error}"
TOO_DEEP = "nested more than {limit} levels deep"
BAD_NUMBER = "a number JSON allows but this importer does not: {error}"
HAS_NUL = "contains a NUL character (\\u0000), which cannot be stored"
HAS_SURROGATE = "contains a lone surrogate (\\u{code}), which is not text"
EXPECTED = "expected {expected}, got {got}"
MISSING_KEY = "missing key '{key}'"
UNKNOWN_KEY = "unknown key '{key}'"
REPEATED_JSON_KEY = "the key '{key}' appears more than once"
BAD_FORMAT = "expected '{expected}', got {got}"
BAD_CHOICE = "{value!r} is not one of {choices}"
BLANK = "must not be blank"
TOO_LONG = "must be at most {limit} characters long"
OUT_OF_RANGE = "must be between {low} and {high}, got {value}"
BAD_DATE = "{value!r} is not a date (YYYY-MM-DD)"
BAD_KEY = "{value!r} is not a valid key: use letters, digits, hyphens and underscores"
LISTED_TWICE = "{value!r} is listed more than once"
NO_ORGANISATION = "missing: name the organisation in the file or choose one when importing"
UNKNOWN_CONSTELLATION = "unknown constellation {slug!r}"
NO_VARIANT = "no variant of {slug} has additions {additions}"
NAME_TAKEN = "an appraisal named {name!r} already exists in {organisation}"
STAGED_NEEDS_TARGET = "a staged appraisal needs a target maturity level"
CONTINUOUS_NEEDS_PROFILE = "a continuous appraisal needs a target capability level for a PA"
NA_AND_OOS = "{acronym} is also listed in appraisal.out_of_scope"
NA_NOT_ALLOWED = (
    "{acronym} may not be declared not applicable in {constellation}: "
    "list it in appraisal.out_of_scope instead"
)
UNKNOWN_PA = "{acronym!r} is not a process area of {variant}"
NOT_A_PRACTICE = "{code!r} is not a practice of {acronym}"
NOT_A_GOAL = "{code!r} is not a goal of {acronym}"
DUPLICATE_INSTANCE = "duplicate key {key!r}"
UNDEFINED_INSTANCE = "instance {key!r} is not defined"
NOT_COVERED = "instance {key!r} does not cover {acronym}"
DUPLICATE_OF = "duplicate of {other} ({what})"


class ExchangeError(Exception):
    """A document that cannot be imported; `messages` lists every problem found."""

    def __init__(self, messages: list[str]):
        self.messages = list(messages)
        super().__init__("\n".join(self.messages))
