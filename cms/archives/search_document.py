"""Owner archives (绝密) as search documents: hits only under a reading grant."""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect

from cms.archives.models import HouseholdArchive, Owner, attach_parents
from cms.archives.policy import can_read_household, readable_households, reads_everything
from search.registry import SearchKind, ids_filter, register


class HouseholdKind(SearchKind):
    name = "archive"
    label = "业户档案"
    index_base = "archives"
    dependents = {
        "archives.Owner": lambda owner: [owner.household_id] if owner.household_id else [],
        # The address in each room's document carries its building's and estate's names.
        "archives.Building": lambda building: rooms_under(building),
        "archives.Estate": lambda estate: rooms_under(estate),
    }

    def model(self):
        return HouseholdArchive

    def indexable(self):
        # Only what the document says (address, current owners' names): an import sends
        # ten thousand at once, and a page read whole costs many times more.
        owners = Owner.objects.only("household_id", "name", "is_current", "sort_order")
        return HouseholdArchive.objects.only("id", "path", "unit", "room").prefetch_related(
            Prefetch("owners", queryset=owners)
        )

    def prepared(self, objects):
        # Estates and buildings with two queries per batch instead of two per household.
        return attach_parents(objects)

    def allowed_for(self, user):
        # Only real accounts: the policy decides per user.
        return super().allowed_for(user) and getattr(user, "pk", None) is not None

    def fields(self, household):
        return {
            "kind": self.name,
            "object_id": str(household.pk),
            "title": household.address,
            "body": household.owner_names or "",
            "status": "在册",
            "topic": "业户档案",
            "url": self.open_url(household.pk),
        }

    def visible_filter(self, user):
        if reads_everything(user):
            return {"term": {"kind": self.name}}
        return ids_filter(self.name, readable_households(user).values_list("pk", flat=True))

    def open(self, request, object_id):
        household = get_object_or_404(HouseholdArchive, pk=object_id)
        if not can_read_household(request.user, household):
            raise PermissionDenied("没有该业户档案的查阅授权")
        # The reading page registers the reading itself: one click, one register row.
        return redirect("archives_admin:household", pk=household.pk)


def rooms_under(page):
    return list(HouseholdArchive.objects.descendant_of(page).values_list("pk", flat=True))


register(HouseholdKind())
