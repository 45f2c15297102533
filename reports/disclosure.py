"""The appraisal disclosure statement (DESIGN §3 Method, §5): the first section of the findings
report after its cover, on screen and in the PDF."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from assessments.models import Appraisal, Membership, Role

RESULTS_VALID_YEARS = 3  # DESIGN §5: results are valid three years after the end date
NO_END_DATE = "no end date set"


@dataclass
class Disclosure:
    """The appraisal disclosure statement (DESIGN §3 Method, §5): who, what, how, the scope, the
    sample, the result and how long it stands."""

    organisation: str
    organisational_unit: str
    sponsor: str
    lead_appraisers: list[str]
    team: list[str]
    model: str  # "CMMI for Services draft 2007 (draft)"
    variant: str
    representation: str
    method: str
    evidence_model: str
    coverage_policy: str
    start_date: datetime.date | None
    end_date: datetime.date | None
    result: str

    @property
    def valid_until(self) -> datetime.date | None:
        return results_valid_until(self.end_date)

    @property
    def validity(self) -> str:
        """ "Results valid until 2029-03-13", or that there is no end date to count from."""
        until = self.valid_until
        if until is None:
            return f"Results valid until: {NO_END_DATE}"
        return f"Results valid until {until.isoformat()}"


def results_valid_until(end: datetime.date | None) -> datetime.date | None:
    """Three years after the end date; 29 February ends on 28 February."""
    if end is None:
        return None
    year = end.year + RESULTS_VALID_YEARS
    try:
        return end.replace(year=year)
    except ValueError:
        return end.replace(year=year, day=28)


def disclosure_statement(appraisal: Appraisal, team: list[str], result: str) -> Disclosure:
    """One query: the organisation's members with the lead appraiser role."""
    leads = Membership.objects.filter(
        organisation=appraisal.organisation, role=Role.LEAD_APPRAISER
    ).select_related("user")
    constellation = appraisal.variant.constellation
    if appraisal.representation == Appraisal.Representation.STAGED:
        representation = f"Staged, target maturity level {appraisal.target_maturity_level}"
    else:
        representation = "Continuous, a target capability level per process area"
    return Disclosure(
        organisation=appraisal.organisation.name,
        organisational_unit=appraisal.organisational_unit,
        sponsor=appraisal.sponsor,
        lead_appraisers=sorted(
            (m.user.get_full_name() or m.user.username for m in leads), key=str.casefold
        ),
        team=team,
        model=f"{constellation} ({constellation.get_status_display().lower()})",
        variant=appraisal.variant.name,
        representation=representation,
        method=appraisal.get_method_display(),
        evidence_model=appraisal.get_evidence_model_display(),
        coverage_policy=appraisal.get_coverage_policy_display(),
        start_date=appraisal.start_date,
        end_date=appraisal.end_date,
        result=result,
    )
