from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from helpmesh.accounts import twofactor
from helpmesh.accounts.models import AgentSkill, ApiToken, Skill, Team, TeamMembership, User
from helpmesh.core.admin import AuditedAdmin


class MembershipInline(admin.TabularInline):
    model = TeamMembership
    extra = 0


class SkillInline(admin.TabularInline):
    model = AgentSkill
    extra = 0


@admin.register(User)
class UserAdmin(AuditedAdmin):
    list_display = ["email", "name", "role", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["email", "name"]
    exclude = ["password", "groups", "user_permissions", "last_login"]
    inlines = [MembershipInline, SkillInline]
    actions = ["reset_two_factor"]

    @admin.action(description="Reset two-factor sign-in (they enrol again at next sign-in)")
    def reset_two_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            twofactor.reset(user, actor=request.user)  # type: ignore[arg-type]  # admins only


@admin.register(Team)
class TeamAdmin(AuditedAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


admin.site.register(Skill)


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdmin):
    list_display = ["prefix", "user", "name", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["digest", "prefix", "created_at", "last_used_at"]
