from django.core.management.base import BaseCommand, CommandError

from assessments.demo import PASSWORD, seed_demo
from models_catalog.models import ModelVariant


class Command(BaseCommand):
    help = "Create the demo organisation, a user per role and a partly rated appraisal."

    def handle(self, *args, **options):
        try:
            organisation, appraisal, users = seed_demo()
        except ModelVariant.DoesNotExist:
            raise CommandError(
                "The CMMI-SVC draft catalog is not loaded: run "
                "`manage.py loaddata cmmi_svc_draft_2007` first."
            ) from None
        self.stdout.write(f"Demo organisation: {organisation.name}")
        self.stdout.write(f"Demo appraisal: {appraisal.name} ({appraisal.get_absolute_url()})")
        self.stdout.write(f"Sign in with any of these users, password '{PASSWORD}':")
        for user, role in users:
            self.stdout.write(f"  {user.username:<10} {role.label}")
        self.stdout.write(f"  {'admin':<10} site staff (Django admin at /admin/)")
