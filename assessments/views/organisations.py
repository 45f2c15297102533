"""Organisation pages: its appraisals, and its members for org admins."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods, require_POST, require_safe

import audit
from assessments import services
from assessments.access import organisation_for
from assessments.forms import MemberAddForm, RoleForm
from assessments.models import Membership, Role
from audit.models import AuditAction


@require_safe
def organisation(request: HttpRequest, org: str) -> HttpResponse:
    membership = organisation_for(request, org)
    organisation = membership.organisation
    appraisals = organisation.appraisals.select_related("variant__constellation").order_by(
        "-created_at"
    )
    return render(
        request,
        "assessments/organisation.html",
        {
            "organisation": organisation,
            "current_organisation": organisation,
            "membership": membership,
            "appraisals": appraisals,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def members(request: HttpRequest, org: str) -> HttpResponse:
    membership = organisation_for(request, org, Role.ORG_ADMIN)
    organisation = membership.organisation
    form = MemberAddForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.member_add(
                organisation=organisation,
                role=form.cleaned_data["role"],
                user=form.cleaned_data["user"],
                username=form.cleaned_data["username"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                actor=request.user,
            ).user
        except ValidationError as error:
            form.add_error(None, error)
        else:
            audit.record(
                request,
                AuditAction.MEMBER_ADDED,
                organisation=organisation,
                target=f"{user.username} as {Role(form.cleaned_data['role']).label}",
            )
            messages.success(request, f"{user.username} is now a member of {organisation}.")
            return redirect("assessments:members", org=organisation.slug)
    return render(
        request,
        "assessments/members.html",
        {
            "organisation": organisation,
            "current_organisation": organisation,
            "membership": membership,
            "memberships": organisation.memberships.select_related("user").order_by(
                "user__username"
            ),
            "form": form,
            "roles": Role.choices,
        },
        status=400 if form.errors else 200,
    )


@require_POST
def member_role(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    admin = organisation_for(request, org, Role.ORG_ADMIN)
    target = get_object_or_404(Membership, pk=pk, organisation=admin.organisation)
    form = RoleForm(request.POST)
    old_role = target.get_role_display()
    if not form.is_valid():
        messages.error(request, "Choose a valid role.")
    else:
        try:
            services.membership_set(
                organisation=admin.organisation,
                user=target.user,
                role=form.cleaned_data["role"],
                actor=request.user,
            )
            target.refresh_from_db()
            if target.get_role_display() != old_role:
                audit.record(
                    request,
                    AuditAction.ROLE_CHANGED,
                    organisation=admin.organisation,
                    target=f"{target.user.username}: {old_role} → {target.get_role_display()}",
                )
            messages.success(request, f"{target.user.username} is now {target.get_role_display()}.")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return redirect("assessments:members", org=org)


@require_POST
def member_remove(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    admin = organisation_for(request, org, Role.ORG_ADMIN)
    target = get_object_or_404(Membership, pk=pk, organisation=admin.organisation)
    try:
        services.membership_delete(membership=target, actor=request.user)
        audit.record(
            request,
            AuditAction.MEMBER_REMOVED,
            organisation=admin.organisation,
            target=f"{target.user.username} ({target.get_role_display()})",
        )
        messages.success(request, f"{target.user.username} was removed from {admin.organisation}.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("assessments:members", org=org)


urlpatterns = [
    path("orgs/<slug:org>/", organisation, name="organisation"),
    path("orgs/<slug:org>/members/", members, name="members"),
    path("orgs/<slug:org>/members/<int:pk>/role/", member_role, name="member_role"),
    path("orgs/<slug:org>/members/<int:pk>/remove/", member_remove, name="member_remove"),
]
