"""How long each text a user writes may be, in one place (issue 13, point 6).

Forms, the exchange importer and the services (through the models' validators) all read these
limits, so a text is refused with the same named error wherever it comes in. Generous for a
person typing, small enough that one request cannot fill the database or a worker's memory.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.deconstruct import deconstructible

NAME_MAX = 200  # organisation, appraisal, instance, sponsor, organisational unit
KEY_MAX = 64  # instance keys (slugs)
NOTE_MAX = 20_000  # a cell's note
EVIDENCE_MAX = 20_000  # a cell's artifacts or affirmations (one per line)
EVIDENCE_TITLE_MAX = 300  # the title of an evidence item (evidence library)
FINDING_MAX = 10_000  # a strength or weakness
RATIONALE_MAX = 10_000  # judgment rationales, not-applicable justifications, reasons, notes
TEAM_MAX = 5_000  # the appraisal team, one person per line

TOO_LONG = "At most {limit} characters, please: this text has {length}."


@deconstructible
class TextLimit(MaxLengthValidator):
    """MaxLengthValidator with our message, so every form and service says the same."""

    def __call__(self, value) -> None:
        if value is not None and len(value) > self.limit_value:
            raise ValidationError(
                TOO_LONG.format(limit=self.limit_value, length=len(value)), code="max_length"
            )


def text_field(limit: int, **kwargs):
    """A form field for a text of at most `limit` characters: the browser stops typing there
    (maxlength) and the server says TOO_LONG to anyone who sends more."""
    field = forms.CharField(validators=[TextLimit(limit)], **kwargs)
    field.widget.attrs["maxlength"] = str(limit)
    return field
