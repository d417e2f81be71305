from django.contrib import admin

from helpmesh.core.admin import AuditedAdmin
from helpmesh.customers.models import Customer, CustomerIdentity, Organization


class IdentityInline(admin.TabularInline):
    model = CustomerIdentity
    extra = 0


@admin.register(Customer)
class CustomerAdmin(AuditedAdmin):
    list_display = ["__str__", "organization", "created_at", "merged_into"]
    search_fields = ["name", "identities__value"]
    list_filter = ["organization"]
    inlines = [IdentityInline]
    raw_id_fields = ["user", "merged_into"]


@admin.register(Organization)
class OrganizationAdmin(AuditedAdmin):
    list_display = ["name", "domains", "shares_tickets", "tier"]
    search_fields = ["name", "domains"]
