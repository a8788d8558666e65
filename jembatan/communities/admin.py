from django import forms
from django.contrib import admin

from jembatan.communities.forms import SocialLinksMixin
from jembatan.communities.models import PROFILE_FIELDS, Forum, ForumPengurus, Kim, KimMembership
from jembatan.regions.forms import RegionField


class KimAdminForm(SocialLinksMixin, forms.ModelForm):
    # Searched by name as you type: never a select of 83,000 villages.
    region = RegionField(label=Kim._meta.get_field("region").verbose_name)

    class Meta:
        model = Kim
        fields = [*PROFILE_FIELDS, "verified_at", "created_at"]


class KimMembershipInline(admin.TabularInline):
    model = KimMembership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Kim)
class KimAdmin(admin.ModelAdmin):
    form = KimAdminForm
    list_display = ["name", "level", "region", "kabupaten", "is_active", "verified_at"]
    list_filter = ["level", "is_active"]
    search_fields = ["name", "slug", "region__name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [KimMembershipInline]


class ForumPengurusInline(admin.TabularInline):
    model = ForumPengurus
    fields = ["full_name", "kim", "position", "seksi_name", "started_on", "ended_on"]
    extra = 0
    raw_id_fields = ["kim"]


@admin.register(Forum)
class ForumAdmin(admin.ModelAdmin):
    # Forums are kept by Diskominfo in the workspace (audited); the admin is the operator's
    # view of them. Regions and KIMs by id: never a select of thousands.
    list_display = ["name", "region", "kabupaten", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "slug", "region__name"]
    raw_id_fields = ["region", "kims"]
    inlines = [ForumPengurusInline]
