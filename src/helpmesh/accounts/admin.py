from django.contrib import admin

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
