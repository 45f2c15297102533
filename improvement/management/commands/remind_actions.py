"""`manage.py remind_actions [--date YYYY-MM-DD] [--dry-run]`: e-mail owners about their
improvement actions due within a week or overdue.

Safe to run from cron as often as you like: each action is reminded at most once a day
(`ReminderSent`, unique per action and day), so a second run the same day sends nothing. One
e-mail per owner lists all of their actions that need a reminder that day. Actions that are
deployed, verified or dropped, or whose owner has no e-mail address, are skipped.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, transaction
from django.utils import timezone

from improvement import rules
from improvement.models import ImprovementAction, ReminderSent

SUBJECT = "{count} improvement action{s} need{verb} your attention"
BAD_DATE = "--date must be YYYY-MM-DD, not {value!r}."


def _body(owner, items: list[tuple[ImprovementAction, str]], today: datetime.date) -> str:
    lines = [f"Hello {owner.get_full_name() or owner.username},", ""]
    lines.append(f"These improvement actions you own need attention (as of {today:%Y-%m-%d}):")
    lines.append("")
    for action, kind in items:
        when = "OVERDUE since" if kind == rules.OVERDUE_KIND else "due"
        lines.append(
            f"- {action.title} ({action.organisation.name}): {when} {action.due_date:%Y-%m-%d}"
        )
        lines.append(f"  {settings.SITE_URL}{action.get_absolute_url()}")
    lines += ["", "Move an action on its page once it is deployed, or change its due date.", ""]
    return "\n".join(lines)


class Command(BaseCommand):
    help = (
        "E-mail owners about improvement actions due within a week or overdue; at most one "
        "reminder per action per day, so it is safe to run daily (or more often) from cron."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--date", help="the day to remind for (default: today)")
        parser.add_argument(
            "--dry-run", action="store_true", help="list what would be sent; send nothing"
        )

    def handle(self, *args, date: str | None, dry_run: bool, **options) -> None:
        today = timezone.localdate()
        if date:
            try:
                today = datetime.date.fromisoformat(date)
            except ValueError:
                raise CommandError(BAD_DATE.format(value=date)) from None
        horizon = today + datetime.timedelta(days=rules.REMIND_DAYS)
        candidates = (
            ImprovementAction.objects.filter(due_date__lte=horizon, owner__isnull=False)
            .exclude(status__in=rules.SETTLED)
            .exclude(owner__email="")
            .exclude(reminders__sent_on=today)
            .select_related("owner", "organisation")
            .order_by("owner_id", "due_date", "id")
        )
        by_owner: dict[int, list[tuple[ImprovementAction, str]]] = defaultdict(list)
        for action in candidates:
            kind = rules.reminder_kind(action.status, action.due_date, today)
            if kind:
                by_owner[action.owner_id].append((action, kind))
        sent = emails = 0
        for items in by_owner.values():
            owner = items[0][0].owner
            if dry_run:
                for action, kind in items:
                    self.stdout.write(f"would remind {owner.email}: {action.title} ({kind})")
                continue
            count = self._send(owner, items, today)
            sent += count
            emails += 1 if count else 0
        if not dry_run:
            self.stdout.write(
                f"{sent} action{'s' if sent != 1 else ''} reminded in {emails} "
                f"e-mail{'s' if emails != 1 else ''} for {today:%Y-%m-%d}."
            )

    def _send(self, owner, items, today: datetime.date) -> int:
        """Record the reminders, then send; a failed send rolls the records back so the next
        run tries again. An action another run reminded meanwhile is left out."""
        with transaction.atomic():
            fresh = []
            for action, kind in items:
                try:
                    with transaction.atomic():
                        ReminderSent.objects.create(
                            action=action, recipient=owner.email, kind=kind, sent_on=today
                        )
                except IntegrityError:
                    continue
                fresh.append((action, kind))
            if not fresh:
                return 0
            count = len(fresh)
            send_mail(
                SUBJECT.format(
                    count=count, s="" if count == 1 else "s", verb="s" if count == 1 else ""
                ),
                _body(owner, fresh, today),
                None,
                [owner.email],
            )
        return count
